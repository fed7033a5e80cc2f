"""Exact spelling of numbers, times and intervals in canonical regimen strings.

Round trip: the parser computes ``value * unit_days``, so a time is spelled in the largest
unit that gives it back exactly (``fmt_time(3 * 365.25) == "3 years"``).
"""
from __future__ import annotations

import math

from .words import DAYS_PER_MONTH, DAYS_PER_YEAR

__all__ = ["fmt_num", "fmt_time", "fmt_interval"]


def fmt_num(x: float) -> str:
    if not math.isfinite(x):
        return repr(x)
    if x == int(x) and abs(x) < 1e5:
        return str(int(x))
    if abs(x) >= 1e5:
        mant, exp = f"{x:.15e}".split("e")
        mant = mant.rstrip("0").rstrip(".")
        s = f"{mant}e{int(exp)}"
        if float(s) == x:
            return s
    for digits in (6, 10, 15, 17):
        s = format(x, f".{digits}g")
        if float(s) == x:
            return s
    return repr(x)  # pragma: no cover


def _plural(n: str, unit: str) -> str:
    return f"{n} {unit}" if n == "1" else f"{n} {unit}s"


_TIME_SPELLINGS = (("year", DAYS_PER_YEAR), ("month", DAYS_PER_MONTH), ("week", 7.0), ("day", 1.0))


def fmt_time(days: float) -> str:
    """Exact spelling of a time: a whole number of years, months, weeks or days if there is one, else a short decimal."""
    if days == 0:
        return "0 months"
    for unit, u in _TIME_SPELLINGS:
        n = days / u
        if n == round(n) and float(round(n)) * u == days:
            return _plural(fmt_num(float(round(n))), unit)
    for unit, u in _TIME_SPELLINGS:
        s = fmt_num(days / u)
        if float(s) * u == days and len(s.replace(".", "").lstrip("0")) <= 4 and "e" not in s:
            return _plural(s, unit)
    return _plural(fmt_num(days), "day")


def fmt_interval(days: float) -> str:
    named = {1.0: "daily", 7.0: "weekly", DAYS_PER_MONTH: "monthly", DAYS_PER_YEAR: "yearly", 0.5: "twice daily",
             3.5: "twice weekly", 14.0: "every 2 weeks"}
    if days in named:
        return named[days]
    return "every " + fmt_time(days)

