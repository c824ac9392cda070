"""The status/metric mismatch rule: every status x assurance combination."""

import pytest

from pledges.models import Status
from pledges.status_rules import (
    ASSURANCES,
    STATUSES,
    MetricAssurance,
    is_mismatch,
    status_mismatches,
)
from workforce import spc

EXPECTED = {
    # (status, assurance): mismatch?
    ("on_track", "pass"): False,
    ("on_track", "hit_or_miss"): False,
    ("on_track", "fail"): True,
    ("on_track", None): False,
    ("at_risk", "pass"): False,
    ("at_risk", "hit_or_miss"): False,
    ("at_risk", "fail"): False,
    ("at_risk", None): False,
    ("off_track", "pass"): True,
    ("off_track", "hit_or_miss"): False,
    ("off_track", "fail"): False,
    ("off_track", None): False,
    ("complete", "pass"): False,
    ("complete", "hit_or_miss"): True,
    ("complete", "fail"): True,
    ("complete", None): False,
}


def test_the_table_covers_every_combination_and_matches_the_models_and_spc_vocabularies():
    assert set(EXPECTED) == {(s, a) for s in STATUSES for a in ASSURANCES}
    assert set(STATUSES) == set(Status.values)
    assert set(ASSURANCES) - {None} == {spc.ASSURANCE_PASS, spc.ASSURANCE_FAIL, spc.ASSURANCE_HIT_OR_MISS}


@pytest.mark.parametrize(("status", "assurance"), list(EXPECTED))
def test_each_status_and_assurance_combination(status, assurance):
    expected = EXPECTED[(status, assurance)]
    assert is_mismatch(status, assurance) is expected
    found = status_mismatches(status, [MetricAssurance("Turnover", assurance)])
    assert len(found) == (1 if expected else 0)
    if expected:
        assert found[0].metric == "Turnover"
        assert found[0].status == status
        assert found[0].assurance == assurance


def test_on_track_while_the_metric_consistently_fails_reads_plainly():
    (mismatch,) = status_mismatches("on_track", [MetricAssurance("12-month turnover", "fail")])
    assert mismatch.message == "The status is “on track” but 12-month turnover consistently fails its target."


def test_only_the_disagreeing_metrics_are_reported_in_order():
    metrics = [
        MetricAssurance("Vacancy rate", "fail"),
        MetricAssurance("Sickness absence", "pass"),
        MetricAssurance("Turnover", "fail"),
        MetricAssurance("Agency spend", None),
    ]
    assert [m.metric for m in status_mismatches("on_track", metrics)] == ["Vacancy rate", "Turnover"]
    assert [m.metric for m in status_mismatches("off_track", metrics)] == ["Sickness absence"]
    assert status_mismatches("at_risk", metrics) == []
    assert status_mismatches("on_track", []) == []


@pytest.mark.parametrize(("status", "assurance"), [("done", "pass"), ("on_track", "passes"), ("", None)])
def test_unknown_values_are_refused(status, assurance):
    with pytest.raises(ValueError):
        is_mismatch(status, assurance)
