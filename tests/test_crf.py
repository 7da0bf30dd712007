"""Tests for extractors.learn.crf: the linear-chain CRF behind the unit recogniser."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from extractors.learn.crf import BUCKETS, LinearChainCRF, hashed


def _toy() -> LinearChainCRF:
    crf = LinearChainCRF(["B", "I", "O"], np.array([[0.1, 1.0, -0.5], [0.2, 0.8, 0.0], [0.5, -2.0, 0.3]]), {})
    crf.state = {
        next(iter(hashed({"cap": 1.0}))): {"B": 1.5, "I": 0.7},
        next(iter(hashed({"low": 1.0}))): {"O": 1.2},
    }
    return crf


SEQ = [{"cap": 1.0}, {"cap": 1.0}, {"low": 1.0}, {"cap": 1.0, "low": 0.5}]


def _score(crf: LinearChainCRF, seq, labels) -> float:
    idx = [crf.labels.index(x) for x in labels]
    em = crf._emissions(seq)
    s = sum(em[t, i] for t, i in enumerate(idx))
    return s + sum(crf.transitions[a, b] for a, b in itertools.pairwise(idx))


def test_marginals_and_viterbi_match_brute_force() -> None:
    crf = _toy()
    paths = list(itertools.product(crf.labels, repeat=len(SEQ)))
    scores = np.array([_score(crf, SEQ, p) for p in paths])
    probs = np.exp(scores - scores.max())
    probs /= probs.sum()
    expected = np.zeros((len(SEQ), 3))
    for p, pr in zip(paths, probs, strict=True):
        for t, lab in enumerate(p):
            expected[t, crf.labels.index(lab)] += pr
    assert np.allclose(crf.marginals(SEQ), expected)
    assert np.allclose(crf.marginals(SEQ).sum(axis=1), 1.0)
    assert tuple(crf.viterbi(SEQ)) == paths[int(np.argmax(scores))]
    assert crf.viterbi([]) == [] and crf.marginals([]).shape == (0, 3)


def test_json_round_trip() -> None:
    crf = _toy()
    back = LinearChainCRF.from_json(json.loads(json.dumps(crf.to_json())))
    assert np.allclose(back.marginals(SEQ), crf.marginals(SEQ))
    with pytest.raises(ValueError, match="linear-chain CRF"):
        LinearChainCRF.from_json({"kind": "other"})


def test_hashing_keeps_no_names() -> None:
    h = hashed({"w=Sơn Mai": 1.0, "shape=Xx": 2.0})
    assert all(int(k, 16) < BUCKETS for k in h)
    assert not any("Sơn" in k for k in h)
    assert sum(h.values()) == 3.0


def test_fit_learns_a_pattern_and_is_deterministic() -> None:
    # invented sequences: a capitalised word after "xã" is a unit
    X, y = [], []
    for i in range(30):
        X.append([{"w=xã": 1.0}, {"cap": 1.0, f"w=ten{i}": 1.0}, {"w=có": 1.0}, {"w=hộ": 1.0}])
        y.append(["B", "I", "O", "O"])
        X.append([{"w=người": 1.0}, {"w=dân": 1.0}, {"w=có": 1.0}])
        y.append(["O", "O", "O"])
    a, b = LinearChainCRF.fit(X, y), LinearChainCRF.fit(X, y)
    assert a.to_json() == b.to_json()
    assert a.viterbi([{"w=xã": 1.0}, {"cap": 1.0, "w=mới": 1.0}, {"w=có": 1.0}]) == ["B", "I", "O"]
    assert a.viterbi([{"w=người": 1.0}, {"w=dân": 1.0}]) == ["O", "O"]
