"""The status/metric mismatch rule: does a proposed status agree with the linked metrics' SPC assurance?

Pure Python (no Django), so it is easy to test exhaustively. Assurance is the Making Data Count assurance
icon of a metric against its target (``workforce.spc``): "pass" (the target is consistently met), "fail"
(consistently missed), "hit_or_miss", or None (no target, no improvement direction, or a run chart with too
few points for process limits: nothing to check against).

The rule, status x assurance (a mismatch is shown, never blocks):

================  =========  ===========  =========  ======
status            pass       hit or miss  fail       None
================  =========  ===========  =========  ======
on track          agrees     agrees       MISMATCH   agrees
at risk           agrees     agrees       agrees     agrees
off track         MISMATCH   agrees       agrees     agrees
complete          agrees     MISMATCH     MISMATCH   agrees
================  =========  ===========  =========  ======

"At risk" is a cautious call that any assurance can support, so it never mismatches; "complete" claims the
outcome is delivered, so its metrics must consistently meet their targets where they can be assessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
COMPLETE = "complete"
STATUSES = (ON_TRACK, AT_RISK, OFF_TRACK, COMPLETE)

PASS = "pass"
FAIL = "fail"
HIT_OR_MISS = "hit_or_miss"
ASSURANCES = (PASS, HIT_OR_MISS, FAIL, None)

_STATUS_WORDS = {ON_TRACK: "on track", AT_RISK: "at risk", OFF_TRACK: "off track", COMPLETE: "complete"}
_ASSURANCE_WORDS = {
    PASS: "consistently meets its target",
    FAIL: "consistently fails its target",
    HIT_OR_MISS: "only sometimes meets its target (hit or miss)",
}

# (status, assurance) pairs that disagree.
_MISMATCHES = frozenset({(ON_TRACK, FAIL), (OFF_TRACK, PASS), (COMPLETE, HIT_OR_MISS), (COMPLETE, FAIL)})


@dataclass(frozen=True)
class MetricAssurance:
    """One linked metric's name and SPC assurance against its target (None when it cannot be assessed)."""

    name: str
    assurance: str | None


@dataclass(frozen=True)
class Mismatch:
    metric: str
    status: str
    assurance: str

    @property
    def message(self) -> str:
        return (
            f"The status is “{_STATUS_WORDS[self.status]}” but {self.metric} "
            f"{_ASSURANCE_WORDS[self.assurance]}."
        )


def is_mismatch(status: str, assurance: str | None) -> bool:
    """Whether ``status`` disagrees with one metric's ``assurance``."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
    if assurance not in ASSURANCES:
        raise ValueError(f"assurance must be one of {ASSURANCES}, got {assurance!r}")
    return (status, assurance) in _MISMATCHES


def status_mismatches(status: str, metrics: Iterable[MetricAssurance]) -> list[Mismatch]:
    """Every linked metric whose assurance disagrees with the proposed ``status``, in the order given."""
    return [
        Mismatch(metric=m.name, status=status, assurance=m.assurance)
        for m in metrics
        if is_mismatch(status, m.assurance)
    ]
