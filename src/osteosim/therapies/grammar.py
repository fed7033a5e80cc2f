"""The regimen grammar's pieces, shared by the string and the mapping form: errors, tokens, readers, checks.

Readers turn words into values and raise :class:`Problem` (one field, one message); the
parsers (:mod:`.parse_text`, :mod:`.parse_mapping`) turn a Problem into a
:class:`RegimenError` that points at the word or the key.  :func:`build` checks a read
prescription against its catalogue entry (route, cell-product clause, schedule) and makes the
:class:`~osteosim.therapies.prescription.Prescription`.  No therapy is named here: every
therapy-specific fact comes from the catalogue (:mod:`osteosim.therapies.catalog`).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from . import catalog as cat
from .catalog import THERAPIES, Therapy
from .formatting import fmt_interval, fmt_num, fmt_time
from .prescription import Prescription
from .words import (FREQ_HELP, GLUED, MAX_DAYS, MIN_INTERVAL_DAYS, NUMBER, PERIOD_ADVERBS, PERIOD_NOUNS, TIME_UNITS,
                    UNIT_ALIASES, UNIT_TOKEN, UNIT_WORDS)

__all__ = ["RegimenError", "Problem", "Tok", "tokenize", "is_number", "to_number", "read_dose", "dose_example",
           "read_time", "frequency_words", "frequency_words_safe", "read_site", "build", "short", "example_entry"]


class RegimenError(ValueError):
    """A regimen entry that cannot be read; ``str(err)`` is one line naming the entry and the word."""

    def __init__(self, message: str, *, index: int | None = None, text: str | None = None,
                 word: str | None = None, position: int | None = None, field: str | None = None):
        super().__init__(message)
        self.index = index
        self.text = text
        self.word = word
        self.position = position
        self.field = field


class Problem(Exception):
    """Internal: a problem with one field (mapped to a word or a key by the caller)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def short(value: Any, limit: int = 60) -> str:
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def example_entry() -> str:
    """A regimen string to show in messages: the first typical schedule of the catalogue."""
    first = next(iter(THERAPIES.values()), None)
    return repr(first.schedules[0]) if first is not None else "'<therapy> <dose> <unit> <frequency>'"


# ----------------------------------------------------------------------------
# tokens
@dataclass(frozen=True)
class Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


def tokenize(text: str) -> list[Tok]:
    toks: list[Tok] = []
    for m in re.finditer(r"\S+", text):
        s, e = m.start(), m.end()
        word = m.group()
        while word and word[-1] in ",;":
            word, e = word[:-1], e - 1
        if not word:
            continue
        g = GLUED.fullmatch(word)
        if g and not NUMBER.fullmatch(word):
            n = len(g.group(1))
            toks.append(Tok(word[:n], s, s + n))
            toks.append(Tok(word[n:], s + n, e))
        else:
            toks.append(Tok(word, s, e))
    return toks


def is_number(word: str) -> bool:
    return bool(NUMBER.fullmatch(word))


def to_number(word: str) -> float | None:
    if not NUMBER.fullmatch(word):
        return None
    v = float(word.replace(",", ""))
    return v if math.isfinite(v) else None


# ----------------------------------------------------------------------------
# pieces shared by the string and mapping forms (raise Problem)
def dose_error(field: str, shown: str) -> Problem:
    return Problem(field, f"cannot read {shown!r} as a dose; expected a number and a unit such as '60 mg'")


def read_dose(therapy: Therapy, number: str, unit: str | None, shown: str) -> tuple[float, str]:
    """(value, canonical unit) of a dose written as number + unit; checks dimension, sign and range."""
    from ..units import ureg

    example = dose_example(therapy)
    value = to_number(number)
    if value is None:
        raise dose_error("dose", shown)
    if unit is None:
        raise Problem("dose", f"cannot read {shown!r} as a dose: it has no unit; expected a number and a unit "
                              f"such as {example!r}")
    u = UNIT_ALIASES.get(unit.lower(), unit)
    if not UNIT_TOKEN.fullmatch(u) or u.lower() in TIME_UNITS or u.lower() in ("per",):
        raise Problem("dose", f"cannot read {shown!r} as a dose; expected a number and a unit such as {example!r}")
    try:
        q = ureg.Quantity(value, ureg.parse_units(u))
    except Exception:  # pint raises several kinds for a bad unit
        raise Problem("dose", f"cannot read {shown!r} as a dose; expected a number and a unit such as "
                              f"{example!r}") from None
    canon = None
    factor = 1.0
    for cu in therapy.dose_units:
        if q.dimensionality == ureg.parse_units(cu).dimensionality:
            canon = cu
            break
    if canon is None:
        for src, (cu, f) in therapy.conversions.items():
            if q.dimensionality == ureg.parse_units(src).dimensionality:
                q = q.to(src)
                canon, factor = cu, f
                break
    if canon is None:
        wanted = " or ".join(f"{u} ({UNIT_WORDS.get(u, u)})" for u in therapy.dose_units)
        raise Problem("dose", f"cannot give {therapy.name} as {shown!r}: it is dosed in {wanted}, such as "
                              f"{example!r}")
    try:
        v = float(q.magnitude) * factor if factor != 1.0 else float(q.to(canon).magnitude)
    except Exception:  # pragma: no cover - same dimensionality converts
        raise dose_error("dose", shown) from None
    if v <= 0:
        raise Problem("dose", f"the dose {shown!r} must be > 0")
    lo, hi = therapy.dose_range(canon)
    if not (math.isfinite(v) and lo * (1 - 1e-12) <= v <= hi * (1 + 1e-12)):
        typical = ", ".join(f"{fmt_num(d)} {canon}" for d in therapy.typical_doses.get(canon, ()))
        raise Problem("dose", f"the dose {shown!r} ({fmt_num(v)} {canon}) is outside the plausible range "
                              f"{fmt_num(lo)}..{fmt_num(hi)} {canon} for {therapy.name} (typical: {typical})")
    return v, canon


def dose_example(therapy: Therapy) -> str:
    unit = therapy.dose_units[0]
    d = therapy.typical_doses.get(unit, (1.0,))
    return f"{fmt_num(d[len(d) // 2] if therapy.is_msc else d[-1])} {unit}"


def read_time(field: str, words: list[str], shown: str, what: str) -> float:
    """Days of a time written as '<number> <unit>' (words already split)."""
    example = "'18 months'" if field != "start" else "'1 year'"
    if len(words) != 2:
        raise Problem(field, f"cannot read {shown!r} as {what}; expected a number and days, weeks, months or "
                             f"years, such as {example}")
    value = to_number(words[0])
    unit = TIME_UNITS.get(words[1].lower())
    if value is None or unit is None:
        hint = ""
        if value is not None:
            close = cat.suggest(words[1], [k for k in TIME_UNITS if len(k) > 2])
            hint = f" (did you mean {close!r}?)" if close else ""
        raise Problem(field, f"cannot read {shown!r} as {what}; expected a number and days, weeks, months or "
                             f"years, such as {example}{hint}")
    days = value * unit
    if days < 0:
        raise Problem(field, f"{what} {shown!r} must be >= 0")
    if days > MAX_DAYS:
        raise Problem(field, f"{what} {shown!r} is longer than the allowed 100 years")
    return days


def frequency_words(toks: list[str], i: int) -> tuple[float | None, int] | None:
    """Read a frequency at toks[i]: (interval days or None for once, words used); None if none is there."""
    n = len(toks)

    def low(k):
        return toks[k].lower() if k < n else ""

    w = low(i)
    if w in PERIOD_ADVERBS:
        return PERIOD_ADVERBS[w], 1
    if w in ("once", "twice"):
        div = 1.0 if w == "once" else 2.0
        nxt = low(i + 1)
        if nxt in PERIOD_ADVERBS:
            return PERIOD_ADVERBS[nxt] / div, 2
        if nxt in ("a", "per", "every") and low(i + 2) in PERIOD_NOUNS:
            return PERIOD_NOUNS[low(i + 2)] / div, 3
        if nxt == "every" and w == "once":
            r = every(toks, i + 1)
            if r is not None:
                return r[0], r[1] + 1
        if w == "once":
            return None, 1
        raise Problem("frequency", "'twice' needs a period: twice daily, twice weekly, twice yearly")
    if w == "every":
        return every(toks, i)
    return None


def every(toks: list[str], i: int) -> tuple[float, int] | None:
    """'every [N|other] <unit>' at toks[i] == 'every'."""
    n = len(toks)
    nxt = toks[i + 1].lower() if i + 1 < n else ""
    if nxt in TIME_UNITS:
        return TIME_UNITS[nxt], 2
    if nxt == "other" and i + 2 < n and toks[i + 2].lower() in TIME_UNITS:
        return 2 * TIME_UNITS[toks[i + 2].lower()], 3
    if i + 2 < n and to_number(nxt) is not None and toks[i + 2].lower() in TIME_UNITS:
        value = to_number(nxt)
        if value <= 0:  # type: ignore[operator]
            raise Problem("frequency", f"'every {toks[i + 1]} {toks[i + 2]}': the interval must be > 0")
        return value * TIME_UNITS[toks[i + 2].lower()], 3  # type: ignore[operator]
    shown = " ".join(toks[i:i + 3])
    raise Problem("frequency", f"cannot read {shown!r} as a frequency; expected 'every <N> days|weeks|months|years' "
                               f"such as 'every 6 months'")


# ----------------------------------------------------------------------------
# semantic checks and construction (both forms)
def build(therapy: Therapy, dose: tuple[float, str], route: str | None, interval: float | None, once: bool,
           duration: float | None, start: float | None, source: str | None, donor: str | None,
           donor_age: float | None, site: str | None, shown: dict[str, str]) -> Prescription:
    """Check a read prescription and make it; ``shown[field]`` is how the user wrote each field."""
    value, unit = dose
    # route
    if route is None:
        if therapy.is_msc:
            raise Problem("route", f"an MSC product needs a route after the dose: {', '.join(therapy.routes)}")
        route = therapy.default_route
    elif route not in therapy.routes:
        raise Problem("route", f"{therapy.name} cannot be given by route {shown.get('route', route)!r} "
                               f"(allowed: {', '.join(therapy.routes)})")
    # MSC product
    if therapy.is_msc:
        if source is None:
            raise Problem("source", "an MSC product needs a source: bone-marrow, adipose or umbilical-cord "
                                    f"(e.g. '{therapy.name} bone-marrow allogeneic 1e6 cells/kg iv once')")
        donor = donor or "allogeneic"
        if donor == "autologous" and source == "umbilical-cord":
            raise Problem("donor", "umbilical-cord MSCs are allogeneic (an adult patient has no cord of their own); "
                                   "write 'allogeneic'")
        if donor_age is not None:
            if donor == "autologous":
                raise Problem("donor_age", "autologous cells take the patient's age at the dose; remove "
                                           f"{shown.get('donor_age', 'donor age')!r} or write 'allogeneic'")
            if not (0 <= donor_age <= 100):
                raise Problem("donor_age", f"donor age {shown.get('donor_age', donor_age)!r} is outside 0..100 years")
            if source == "umbilical-cord" and donor_age != 0:
                raise Problem("donor_age", "umbilical-cord cells come from a newborn's cord: donor age is 0")
        if route == "intraosseous" and site is None:
            raise Problem("site", f"{shown.get('route', route)!r} injects into one skeletal site: add "
                                    f"'site <site>' ({', '.join(cat.SITES)})")
        if route != "intraosseous" and site is not None:
            what = "iv cells are systemic" if route == "iv" else "'into the gap' injects into the fracture"
            raise Problem("site", f"{what}; 'site' goes only with intraosseous")
    else:
        for f, v in (("source", source), ("donor", donor), ("donor_age", donor_age), ("site", site)):
            if v is not None:
                raise Problem(f, f"{shown.get(f, f)!r} is for MSC products only, not {therapy.name}")
    # schedule
    if not once and interval is None:
        if start is not None:
            once = True  # "into the gap at 1 week": a time without a frequency is a single dose
        else:
            raise Problem("frequency", f"expected a frequency: {FREQ_HELP}")
    start_days = float(start or 0.0)
    if once:
        if duration is not None:
            raise Problem("for", f"a single dose ('once') takes no {shown.get('for', 'for')!r}; "
                                 "use a frequency such as 'daily' for a course")
        interval_days, count, duration_days = None, 1, 0.0
    else:
        interval_days = float(interval)  # type: ignore[arg-type]
        if interval_days < MIN_INTERVAL_DAYS:
            raise Problem("frequency", f"{shown.get('frequency', fmt_interval(interval_days))!r} is more often "
                                       f"than the shortest allowed interval, 0.5 days (twice daily)")
        if interval_days > MAX_DAYS:
            raise Problem("frequency", f"{shown.get('frequency', '')!r}: the interval is longer than 100 years")
        if duration is None:
            count, duration_days = None, None
        else:
            if duration < interval_days * (1 - 1e-9):
                raise Problem("for", f"{shown.get('for', fmt_time(duration))!r} is shorter than one interval "
                                     f"({shown.get('frequency', fmt_interval(interval_days))} = "
                                     f"{fmt_num(round(interval_days, 4))} days); use 'once' for a single dose")
            count = max(1, math.ceil(duration / interval_days - 1e-9))
            duration_days = float(duration)
    if start_days + (duration_days or 0.0) > MAX_DAYS:
        raise Problem("for" if duration_days else "start", "the prescription runs past 100 years")
    infusion = therapy.infusion_days if route == "iv" and not therapy.is_msc else 0.0
    return Prescription(
        therapy=therapy.name, drug_class=therapy.drug_class, dose=value, dose_unit=unit, route=route,
        interval_days=interval_days, count=count, start_days=start_days, duration_days=duration_days,
        infusion_days=infusion,
        source=source if therapy.is_msc else None, donor=donor if therapy.is_msc else None,
        donor_age_years=float(donor_age) if donor_age is not None else None,
        site=site,
    )


def read_site(word: str) -> str:
    s = word.lower().replace("-", "_")
    if s in cat.SITES:
        return s
    close = cat.suggest(s, cat.SITES)
    hint = f"; did you mean {close!r}?" if close else ""
    raise Problem("site", f"unknown site {word!r}{hint} (sites: {', '.join(cat.SITES)})")


def frequency_words_safe(toks: list[str], i: int):
    try:
        return frequency_words(toks, i)
    except Problem:
        return True

