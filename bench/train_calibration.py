"""Fit the confidence calibration (service/relate/calibration.json) on SICK TRAIN.

    python bench/train_calibration.py [--data ../shared/data]

Every SICK TRAIN pair goes through /v1/compare; each verdict's raw score
(``evidence.score``) and whether it was right are collected per kind and basis of
evidence (``evidence.basis``: a contradiction on values or on meaning, an agreement on
a telling value, on an act alone, on facts within a story, or on wording), and an isotonic
regression (scikit-learn, the bench extra) maps score to the share of right verdicts.
The fitted steps are written as JSON, which the service reads at run time without
scikit-learn. newsdev is never used here: it stays for measuring
(bench/eval_calibration.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from compare_client import DATA, CompareClient  # noqa: E402
from eval_sick import load as load_sick  # noqa: E402
from sklearn.isotonic import IsotonicRegression  # noqa: E402

from service.relate import calibration  # noqa: E402

MIN_VERDICTS = 50  # verdicts of a kind and basis below which none is fitted (the raw score stands)


# No verdict the service states is given a confidence of 0: the fewest-verdict steps
# at the bottom of a kind's scores say little.
FLOOR = 0.05


def fit(scores: list[float], right: list[bool]) -> dict:
    model = IsotonicRegression(y_min=FLOOR, y_max=0.99, increasing=True, out_of_bounds="clip").fit(scores, right)
    # The step function's knots: a score up to bounds[i] takes values[i]; above the last, the last.
    return {"bounds": [round(float(x), 4) for x in model.X_thresholds_[:-1]],
            "values": [round(float(y), 3) for y in model.y_thresholds_]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA)
    args = parser.parse_args()
    rows = load_sick(args.data, "TRAIN", None)  # evidence.score is the raw score, calibrated or not
    answers = CompareClient().compare_all([(a, b) for a, b, _ in rows])
    kinds = {}
    for answer, (_, _, gold) in zip(answers, rows):
        key = f"{answer['kind']}:{answer['evidence']['basis']}"
        kinds.setdefault(key, ([], []))
        kinds[key][0].append(answer["evidence"]["score"])
        kinds[key][1].append(answer["kind"] == gold)
    fitted = {kind: fit(*data) for kind, data in kinds.items() if len(data[0]) >= MIN_VERDICTS}
    with open(calibration.PATH, "w", encoding="utf-8") as f:
        json.dump({"fitted_on": f"SICK TRAIN, {len(rows)} pairs", "kinds": fitted}, f, indent=1)
    for kind, (scores, right) in kinds.items():
        print(f"{kind}: {len(scores)} verdicts, {sum(right) / len(scores):.2f} right")
    print(f"wrote {calibration.PATH}")


if __name__ == "__main__":
    main()
