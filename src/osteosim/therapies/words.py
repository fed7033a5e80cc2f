"""The words of the regimen language: time units, frequencies, dose units, donor words (no therapy names).

Times: **1 year = 365.25 days and 1 month = 365.25/12 = 30.4375 days** (as pint's and
:data:`osteosim.units.DAYS_PER_YEAR`); times are at most 100 years; the shortest dosing
interval is half a day (twice daily).
"""
from __future__ import annotations

import re

from ..units import DAYS_PER_YEAR  # 365.25

__all__ = ["DAYS_PER_YEAR", "DAYS_PER_MONTH", "MAX_DAYS", "MIN_INTERVAL_DAYS", "FREQ_HELP", "NUMBER", "GLUED",
           "UNIT_TOKEN", "TIME_UNITS", "PERIOD_ADVERBS", "PERIOD_NOUNS", "DONOR_WORDS", "GAP", "UNIT_ALIASES",
           "UNIT_WORDS"]

DAYS_PER_MONTH = DAYS_PER_YEAR / 12.0  # 30.4375
MAX_DAYS = 100 * DAYS_PER_YEAR
MIN_INTERVAL_DAYS = 0.5

#: what a frequency may be, for messages
FREQ_HELP = ("daily, weekly, monthly, yearly, twice yearly, every <N> days|weeks|months|years, "
             "or once [at <time>]")
#: a number as written in a dose or time ("60", "0.625", "1e6", "1,000"); a number glued to a unit ("60mg")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
GLUED = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)([A-Za-zµμ].*)")
#: what may be handed to pint as a unit
UNIT_TOKEN = re.compile(r"[A-Za-zµμ_][A-Za-z0-9µμ_/.*^-]{0,30}")

#: time unit word -> days
TIME_UNITS: dict[str, float] = {}
for _names, _days in (
    (("day", "days", "d"), 1.0),
    (("week", "weeks", "wk", "wks"), 7.0),
    (("month", "months", "mo", "mos", "mth", "mths"), DAYS_PER_MONTH),
    (("year", "years", "yr", "yrs", "y"), DAYS_PER_YEAR),
    (("hour", "hours", "h", "hr", "hrs"), 1.0 / 24.0),
):
    for _n in _names:
        TIME_UNITS[_n] = _days

#: "daily" etc. -> interval (days)
PERIOD_ADVERBS = {
    "daily": 1.0, "weekly": 7.0, "fortnightly": 14.0, "monthly": DAYS_PER_MONTH,
    "quarterly": 3 * DAYS_PER_MONTH, "yearly": DAYS_PER_YEAR, "annually": DAYS_PER_YEAR,
    "semiannually": DAYS_PER_YEAR / 2, "semi-annually": DAYS_PER_YEAR / 2,
}
#: "a day" / "per week" nouns -> interval
PERIOD_NOUNS = {"day": 1.0, "week": 7.0, "month": DAYS_PER_MONTH, "year": DAYS_PER_YEAR}
#: donor relation of a cell product (and common misspellings) -> canonical
DONOR_WORDS = {"autologous": "autologous", "allogeneic": "allogeneic", "allogenic": "allogeneic",
               "allogenous": "allogeneic"}
#: the local route into a fracture, as three words

GAP = ("into", "the", "gap")

#: dose units as prescribers write them, in any case ("60 MG" is 60 mg, not 60 megagauss) -> pint spelling
UNIT_ALIASES = {"mg": "mg", "g": "g", "ug": "ug", "mcg": "ug", "µg": "ug", "μg": "ug", "iu": "IU", "i.u.": "IU",
                "cell": "cells", "cells": "cells", "cell/kg": "cells/kg", "cells/kg": "cells/kg"}
#: canonical dose unit -> what it measures, for messages
UNIT_WORDS = {"mg": "a mass", "ug": "a mass", "IU": "international units", "cells": "a cell count",
              "cells/kg": "cells per kg body weight"}
