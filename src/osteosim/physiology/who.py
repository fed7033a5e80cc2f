"""WHO densitometric categories of a T-score (WHO 1994 technical report; Kanis 1994).

Normal: T >= -1; low bone mass (osteopenia): -2.5 < T < -1; osteoporosis: T <= -2.5.
Defined here, in the physiology layer, because a diagnosis is a property of the person that
therapies (an osteoporotic MSC donor) read as well as the outcomes and reports.
"""
from __future__ import annotations

import math

from .. import citations

__all__ = ["NORMAL_MIN_TSCORE", "OSTEOPOROSIS_MAX_TSCORE", "WHO_CATEGORIES", "WHO_THRESHOLDS", "who_category",
           "is_osteoporotic_tscore"]

citations.register("Kanis1994", "Kanis JA, Melton LJ, Christiansen C, Johnston CC, Khaltaev N. The diagnosis of "
                                "osteoporosis. J Bone Miner Res 1994;9:1137-1141 (WHO Study Group, WHO Technical "
                                "Report Series 843, 1994).")

#: lowest T-score (SD) that is still normal
NORMAL_MIN_TSCORE = -1.0
#: highest T-score (SD) that is osteoporosis
OSTEOPOROSIS_MAX_TSCORE = -2.5
#: (category, lowest T-score, highest T-score), from normal down
WHO_CATEGORIES: tuple[tuple[str, float, float], ...] = (
    ("normal", NORMAL_MIN_TSCORE, math.inf),
    ("osteopenia", OSTEOPOROSIS_MAX_TSCORE, NORMAL_MIN_TSCORE),
    ("osteoporosis", -math.inf, OSTEOPOROSIS_MAX_TSCORE),
)

#: the T-score at the upper edge of each abnormal category (where a patient enters it)
WHO_THRESHOLDS: dict[str, float] = {"osteopenia": NORMAL_MIN_TSCORE, "osteoporosis": OSTEOPOROSIS_MAX_TSCORE}


def is_osteoporotic_tscore(tscore: float) -> bool:
    """T <= -2.5."""
    return tscore <= OSTEOPOROSIS_MAX_TSCORE


def who_category(tscore: float) -> str:
    """``normal``, ``osteopenia`` or ``osteoporosis`` (``unknown`` for a missing, non-finite value)."""
    t = float(tscore)
    if not math.isfinite(t):
        return "unknown"
    if t >= NORMAL_MIN_TSCORE:
        return "normal"
    if t > OSTEOPOROSIS_MAX_TSCORE:
        return "osteopenia"
    return "osteoporosis"
