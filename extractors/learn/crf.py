"""A linear-chain CRF: trained with CRFsuite (``sklearn-crfsuite``, L-BFGS), kept as JSON.

Training uses CRFsuite; the artifact is its learned weights in plain JSON (state weights per
hashed feature and label, transition weights), so that the model is read without a binary
file and applied with NumPy: per-token label marginals by forward-backward, the best
sequence by Viterbi.  Features are one ``{name: value}`` dict per token; names are hashed
(CRC-32 into :data:`BUCKETS` buckets) before training, so no word of the training text is
stored in the artifact.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.special import logsumexp as _logsumexp

Features = dict[str, float]
_DIGITS = 6  # significant digits kept in the JSON: the same bytes from the same training


BUCKETS = 2**18


def _round(x: float) -> float:
    return float(f"{x:.{_DIGITS}g}")


def hashed(feats: Features) -> Features:
    """``feats`` with each name replaced by its bucket (values of a shared bucket add up)."""
    out: Features = {}
    for name, value in feats.items():
        key = format(zlib.crc32(name.encode("utf-8")) % BUCKETS, "x")
        out[key] = out.get(key, 0.0) + value
    return out


@dataclass
class LinearChainCRF:
    """CRF weights: ``labels``, ``transitions[i][j]`` (label i then label j), ``state[feature][label]``."""

    labels: list[str] = field(default_factory=list)
    transitions: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    state: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def fit(
        cls,
        X: Sequence[Sequence[Features]],
        y: Sequence[Sequence[str]],
        c1: float = 0.05,
        c2: float = 0.05,
        max_iterations: int = 100,
    ) -> LinearChainCRF:
        """Train with CRFsuite's L-BFGS (deterministic: no random state) and keep its weights."""
        import sklearn_crfsuite

        crf = sklearn_crfsuite.CRF(
            algorithm="lbfgs", c1=c1, c2=c2, max_iterations=max_iterations, all_possible_transitions=True
        )
        crf.fit([[hashed(f) for f in s] for s in X], [list(s) for s in y])
        labels = sorted(crf.classes_)
        index = {lab: i for i, lab in enumerate(labels)}
        trans = np.zeros((len(labels), len(labels)))
        for (a, b), w in crf.transition_features_.items():
            trans[index[a], index[b]] = _round(w)
        state: dict[str, dict[str, float]] = {}
        for (attr, lab), w in crf.state_features_.items():
            if w:
                state.setdefault(attr, {})[lab] = _round(w)
        return cls(labels, trans, state)

    # -- scoring ---------------------------------------------------------------------------
    def _emissions(self, seq: Sequence[Features]) -> np.ndarray:
        index = {lab: i for i, lab in enumerate(self.labels)}
        out = np.zeros((len(seq), len(self.labels)))
        for t, feats in enumerate(seq):
            row = out[t]
            for name, value in hashed(feats).items():
                weights = self.state.get(name)
                if weights:
                    for lab, w in weights.items():
                        row[index[lab]] += w * value
        return out

    def marginals(self, seq: Sequence[Features]) -> np.ndarray:
        """P(label | sequence) of every token (rows) and label (columns, in ``labels`` order)."""
        if not seq:
            return np.zeros((0, len(self.labels)))
        em = self._emissions(seq)
        n = len(seq)
        alpha = np.zeros_like(em)
        beta = np.zeros_like(em)
        alpha[0] = em[0]
        for t in range(1, n):
            alpha[t] = em[t] + _logsumexp(alpha[t - 1][:, None] + self.transitions, axis=0)
        for t in range(n - 2, -1, -1):
            beta[t] = _logsumexp(self.transitions + (em[t + 1] + beta[t + 1])[None, :], axis=1)
        log_z = _logsumexp(alpha[-1], axis=0)
        return np.exp(alpha + beta - log_z)

    def viterbi(self, seq: Sequence[Features]) -> list[str]:
        """The most probable label sequence."""
        if not seq:
            return []
        em = self._emissions(seq)
        score = em[0]
        back = []
        for t in range(1, len(seq)):
            cand = score[:, None] + self.transitions
            back.append(np.argmax(cand, axis=0))
            score = cand.max(axis=0) + em[t]
        best = [int(np.argmax(score))]
        for ptr in reversed(back):
            best.append(int(ptr[best[-1]]))
        return [self.labels[i] for i in reversed(best)]

    # -- JSON ------------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "kind": "dvk.linear_chain_crf.v1",
            "labels": self.labels,
            "transitions": [[float(x) for x in row] for row in self.transitions],
            "state": {k: dict(sorted(v.items())) for k, v in sorted(self.state.items())},
        }

    @classmethod
    def from_json(cls, data: dict) -> LinearChainCRF:
        if data.get("kind") != "dvk.linear_chain_crf.v1":
            raise ValueError(f"not a linear-chain CRF: {data.get('kind')!r}")
        return cls(list(data["labels"]), np.array(data["transitions"], dtype=float), dict(data["state"]))

    @property
    def classes_(self) -> list[str]:
        """The labels, in the column order of :meth:`marginals` (as scikit-learn names them)."""
        return self.labels
