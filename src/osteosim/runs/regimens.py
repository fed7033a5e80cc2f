"""Regimens on the run lane: the one place that parses a regimen and turns it into dose tables.

Everything else in the package reaches :mod:`osteosim.therapies` through these two
functions, so a change there (a rename, a drug plug-in registry) is a change here only.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["as_regimen", "dose_tables"]


def as_regimen(regimen: Any):
    """A parsed Regimen from a Regimen, one regimen string or mapping, a list of them, or None (empty)."""
    from collections.abc import Mapping

    from ..therapies import Regimen, parse_regimen

    if isinstance(regimen, Regimen):
        return regimen
    if isinstance(regimen, (str, Mapping)):  # one prescription, not a sequence of characters or keys
        regimen = [regimen]
    return parse_regimen(list(regimen or []))


def dose_tables(regimen, start_days: float, span_days: float, patient=None,
                params: dict | None = None) -> dict[str, np.ndarray]:
    """Dose-table drivers ((B,) per field) of a parsed regimen starting at model time ``start_days``
    (days) over ``span_days``; ``{}`` for no treatment (the model's default drivers hold the
    empty tables, which equal the tables of an empty regimen)."""
    if not regimen:
        return {}
    from ..therapies.pkpd import regimen_tables

    return regimen_tables(regimen, start_days, span_days, patient=patient, params=params)
