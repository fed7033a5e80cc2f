"""Helpers shared by the healing tests (imported by name: the test folders are not packages)."""
from __future__ import annotations

from osteosim.healing import run_healing

LINE = {"geometry": "line", "grid": "coarse", "gap_mm": 2.0}


def line_course(condition: str = "normal", treatment=(), weeks: float = 40.0, **fracture):
    return run_healing({"fracture": {**LINE, "condition": condition, **fracture}, "weeks": weeks,
                        "treatment": list(treatment)})


def msc_at(week: float) -> str:
    return f"msc bone-marrow allogeneic 1e6 cells into the gap at {week:g} weeks"
