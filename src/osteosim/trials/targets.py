"""Published targets (calibration and validation): shared/reference/targets/calibration-targets.csv, verbatim,
plus the rows osteosim adds (each with its source): 81a-81f and 82, QCT finite-element strength changes
under drugs (``use`` V: validation only, never fitted), and 90a-90h, distal-forearm BMD loss after the
menopause and with age and the distal radius's trabecular loss over adult life (fitted by calibration.radius; 90f a
check).  The reference's own tags are
C calibrate, S shape check, fixed constant.

The copy ships with the package (``osteosim/data/calibration-targets.csv``) so a
fit can be re-derived anywhere; each row keeps its source and confidence tag.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

__all__ = ["Target", "load_targets", "target"]


@dataclass(frozen=True)
class Target:
    id: str
    quantity: str
    site: str
    treatment: str
    population: str
    timepoint_months: str
    value: str
    unit: str
    tolerance: str
    source: str
    confidence: str
    use: str

    @property
    def value_f(self) -> float:
        return float(self.value)

    @property
    def tolerance_f(self) -> float:
        return float(self.tolerance)


def load_targets() -> dict[str, Target]:
    text = resources.files("osteosim").joinpath("data/calibration-targets.csv").read_text()
    rows = csv.DictReader(text.splitlines())
    return {r["id"]: Target(**r) for r in rows}


def target(tid: str) -> Target:
    return load_targets()[tid]
