"""Train the check-worthiness model and write service/text/checkworthiness.npz.

    python bench/train_checkworthiness.py [--data ../shared/data]

Trains on ClaimBuster's two-class training set only (debate sentences, 7,976).
A stratified fifth of it is held out to choose the regularisation and the decision
threshold; the final model is refit on the whole training set. The test sets that
bench/eval_checkworthiness.py reports (ClaimBuster test, CheckThat! 2019 test,
CheckThat! 2022 1A dev) are never read here.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_curve
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(__file__))

from checkworthiness_data import DEFAULT_DATA, load_split  # noqa: E402
from checkworthiness_features import claims_and_vectors  # noqa: E402

from service.text.checkworthiness import MODEL_PATH, CheckworthinessModel, feature_matrix  # noqa: E402

C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


def fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[StandardScaler, LogisticRegression]:
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(scaler.transform(x), y)
    return scaler, model


def best_f1_threshold(y: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    precision, recall, thresholds = precision_recall_curve(y, scores)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-9)
    best = int(np.argmax(f1))
    return float(thresholds[best]), float(f1[best])


def folded(scaler: StandardScaler, model: LogisticRegression, threshold: float) -> CheckworthinessModel:
    """Standardisation folded into the weights: scoring is one dot product."""
    coef = model.coef_[0] / scaler.scale_
    bias = float(model.intercept_[0] - np.dot(coef, scaler.mean_))
    return CheckworthinessModel(coef.astype(np.float32), bias, threshold)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--out", default=MODEL_PATH)
    args = parser.parse_args(argv)

    rows = load_split("claimbuster-train", args.data)
    texts, y = [t for t, _ in rows], np.array([label for _, label in rows])
    claims, vectors = claims_and_vectors(texts)
    x = feature_matrix(claims, vectors)
    x_fit, x_val, y_fit, y_val = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)

    results = []
    for c in C_GRID:
        scaler, model = fit(x_fit, y_fit, c)
        scores = model.predict_proba(scaler.transform(x_val))[:, 1]
        threshold, f1 = best_f1_threshold(y_val, scores)
        results.append((average_precision_score(y_val, scores), f1, threshold, c))
        print(f"C={c:<5} validation AP={results[-1][0]:.3f} F1={f1:.3f} at threshold {threshold:.3f}")
    ap, f1, threshold, c = max(results)
    print(f"chosen C={c}: validation AP={ap:.3f}, F1={f1:.3f}, threshold={threshold:.3f}")

    scaler, model = fit(x, y, c)
    folded(scaler, model, threshold).save(args.out)
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")


if __name__ == "__main__":
    main()
