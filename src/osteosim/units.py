"""One pint registry for the whole package, and parsing of user quantities."""
from __future__ import annotations

import pint

ureg = pint.UnitRegistry()
# Clinical shorthand that pint does not define.
ureg.define("cells = [cell_count] = cell")
ureg.define("ug = microgram")
ureg.define("international_unit = [biological_activity] = IU")  # vitamin D: 40 IU = 1 ug cholecalciferol (therapies.catalog)
Q_ = ureg.Quantity

DAYS_PER_YEAR = 365.25


def parse_quantity(text: str, field: str = "value") -> pint.Quantity:
    """Parse '60 mg', '6 months', '2e6 cells/kg'; raise ValueError naming the field."""
    try:
        q = Q_(text)
    except Exception as exc:  # pint raises several exception types
        raise ValueError(f"{field}: cannot read {text!r} as a quantity with a unit ({exc})") from None
    if not isinstance(q, pint.Quantity):
        raise ValueError(f"{field}: {text!r} has no unit")
    return q


def to_days(q: pint.Quantity) -> float:
    return float(q.to("day").magnitude)
