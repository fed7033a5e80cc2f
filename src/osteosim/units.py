"""One pint registry for the whole package, and parsing of user quantities.

``ureg`` and ``Q_`` are built on first use (module ``__getattr__``): importing pint and
building the registry costs ~0.4 s, and most importers only need ``DAYS_PER_YEAR``
(a warm ``osteosim simulate`` of a patient without therapies never parses a unit).
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pint

DAYS_PER_YEAR = 365.25


@lru_cache(maxsize=1)
def _registry() -> "pint.UnitRegistry":
    import pint

    ureg = pint.UnitRegistry()
    # Clinical shorthand that pint does not define.
    ureg.define("cells = [cell_count] = cell")
    ureg.define("ug = microgram")
    # vitamin D: 40 IU = 1 ug cholecalciferol (therapies.catalog)
    ureg.define("international_unit = [biological_activity] = IU")
    return ureg


def __getattr__(name: str):
    if name == "ureg":
        return _registry()
    if name == "Q_":
        return _registry().Quantity
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_quantity(text: str, field: str = "value") -> pint.Quantity:
    """Parse '60 mg', '6 months', '2e6 cells/kg'; raise ValueError naming the field."""
    import pint

    try:
        q = _registry().Quantity(text)
    except Exception as exc:  # pint raises several exception types
        raise ValueError(f"{field}: cannot read {text!r} as a quantity with a unit ({exc})") from None
    if not isinstance(q, pint.Quantity):
        raise ValueError(f"{field}: {text!r} has no unit")
    return q


def to_days(q: pint.Quantity) -> float:
    return float(q.to("day").magnitude)
