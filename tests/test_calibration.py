"""Calibrated confidence: the fitted steps map a raw score to a probability that never
falls as the score rises, and every verdict says what it was calibrated from."""

from __future__ import annotations

import pytest

from service.relate.calibration import _steps, calibrated
from service.relate.classify import classify
from tests.test_relate import claim, killed, q


def test_the_shipped_calibration_is_fitted_for_each_kind():
    kinds = {key.split(":")[0] for key in _steps()}
    assert {"agreement", "contradiction", "related"} <= kinds


@pytest.mark.parametrize("key", sorted(_steps()))
def test_confidence_never_falls_as_the_score_rises(key):
    kind, basis = key.split(":")
    values = [calibrated(kind, basis, s / 100) for s in range(0, 101)]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert values == sorted(values)


def test_a_basis_without_enough_public_data_keeps_its_raw_score():
    assert calibrated("contradiction", "no such basis", 0.42) == 0.42


def test_every_verdict_records_its_raw_score_and_basis():
    v = classify(killed(q(44, 44, "palestinians killed", "44"), "44 Palestinians were killed in Gaza"),
                 killed(q(50, 50, "palestinians killed", "50"), "50 Palestinians were killed in Gaza"), 0.9)
    assert v.evidence["basis"] == "values" and 0.0 <= v.evidence["score"] <= 1.0
    a = claim("A man is playing a guitar", "man play guitar")
    assert classify(a, a, 0.99).evidence["basis"] in ("aligned", "values", "wording")
