"""A small, deterministic linear classifier over string features, saved as JSON.

Features are strings ("w=mô", "prev=của", "lex:economy") hashed into a fixed number of
columns (scikit-learn's ``FeatureHasher``: no vocabulary is stored, so no training text
ends up in an artifact), weighted by their value.  The model is scikit-learn's
``LogisticRegression`` with a fixed seed; the artifact keeps only its coefficients, so
loading needs numpy and nothing else, and the same data always gives the same bytes.
Follows the estimator contract: ``__init__`` stores, ``fit`` returns self, learned state
ends in ``_``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

Features = Mapping[str, float]


@dataclass
class LinearModel:
    n_features: int = 2**18
    C: float = 1.0
    class_weight: str | None = "balanced"
    random_state: int = 13
    classes_: list[str] = field(default_factory=list)
    coef_: np.ndarray | None = None
    intercept_: np.ndarray | None = None

    def _hasher(self):
        from sklearn.feature_extraction import FeatureHasher

        return FeatureHasher(n_features=self.n_features, input_type="dict", alternate_sign=False)

    def _matrix(self, rows: Sequence[Features]):
        return self._hasher().transform([dict(r) for r in rows])

    def fit(self, rows: Sequence[Features], labels: Sequence[str]) -> LinearModel:
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            random_state=self.random_state,
            max_iter=2000,
            solver="liblinear",
        )
        labels = list(labels)
        if len(set(labels)) > 2:
            # liblinear is binary only (scikit-learn >= 1.8 refuses a multiclass fit): one versus rest.
            from sklearn.multiclass import OneVsRestClassifier

            ovr = OneVsRestClassifier(clf).fit(self._matrix(rows), labels)
            coef = np.vstack([e.coef_ for e in ovr.estimators_])
            intercept = np.concatenate([e.intercept_ for e in ovr.estimators_])
            classes = ovr.classes_
        else:
            clf.fit(self._matrix(rows), labels)
            coef, intercept, classes = clf.coef_, clf.intercept_, clf.classes_
        self.classes_ = [str(c) for c in classes]
        self.coef_ = np.round(coef.astype(np.float64), 6)
        self.intercept_ = np.round(np.asarray(intercept).astype(np.float64), 6)
        return self

    def decision(self, rows: Sequence[Features]) -> np.ndarray:
        """Scores per class (one column for a binary model: the positive class's margin)."""
        assert self.coef_ is not None and self.intercept_ is not None, "model is not fitted"
        x = self._matrix(rows)
        return np.asarray(x @ self.coef_.T) + self.intercept_

    def predict_proba(self, rows: Sequence[Features]) -> np.ndarray:
        z = self.decision(rows)
        if z.shape[1] == 1:  # binary: columns are (classes_[0], classes_[1])
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1 - p, p], axis=1)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, rows: Sequence[Features]) -> list[str]:
        p = self.predict_proba(rows)
        return [self.classes_[i] for i in p.argmax(axis=1)]

    # --- serialisation -------------------------------------------------------

    def to_json(self) -> dict:
        assert self.coef_ is not None and self.intercept_ is not None, "model is not fitted"
        nz = np.nonzero(np.any(self.coef_ != 0, axis=0))[0]
        return {
            "kind": "dvk.linear.v1",
            "n_features": self.n_features,
            "C": self.C,
            "random_state": self.random_state,
            "classes": self.classes_,
            "intercept": [float(v) for v in self.intercept_],
            "columns": [int(i) for i in nz],
            "weights": [[float(v) for v in row[nz]] for row in self.coef_],
        }

    @classmethod
    def from_json(cls, data: Mapping) -> LinearModel:
        if data.get("kind") != "dvk.linear.v1":
            raise ValueError(f"not a dvk linear model: {data.get('kind')!r}")
        m = cls(
            n_features=int(data["n_features"]), C=float(data["C"]), random_state=int(data["random_state"])
        )
        coef = np.zeros((len(data["weights"]), m.n_features))
        cols = np.asarray(data["columns"], dtype=np.int64)
        for r, row in enumerate(data["weights"]):
            coef[r, cols] = row
        m.classes_ = list(data["classes"])
        m.coef_ = coef
        m.intercept_ = np.asarray(data["intercept"], dtype=np.float64)
        return m

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
