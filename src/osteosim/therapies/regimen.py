"""The regimen language (DESIGN section 5, **contract**): prescriptions -> dose trains.

String form
-----------
::

    <therapy> <dose> <unit> [<route>] <frequency> [for <duration>] [starting at <time>]
    <therapy> <dose> <unit> [<route>] once [at <time>]
    <therapy> <dose> <unit> [<route>] at <time>                 (no frequency + a time = once)
    msc <source> [autologous|allogeneic] [donor age <years>] <dose> <cells|cells/kg>
        <iv|intraosseous|into the gap> <frequency ...> [site <site>]

Examples: ``alendronate 70 mg weekly for 3 years``, ``zoledronic acid 5 mg yearly for 3 years``,
``teriparatide 20 ug daily for 18 months starting at 1 year``, ``calcium 1000 mg daily``,
``msc bone-marrow autologous 5e6 cells intraosseous once at 0 months site lumbar_spine``,
``msc bone-marrow allogeneic 1e6 cells into the gap at 1 week``.

* **Therapy**: any name or alias of :data:`~osteosim.therapies.catalog.THERAPIES`
  (``zoledronate`` = ``zoledronic acid``; ``hrt``, ``hormone therapy``, ``cee`` = ``estrogen``;
  ``vitamin d3`` = ``vitamin d``).  Matching is case-insensitive, longest alias first.
* **Dose**: a number (``60``, ``0.625``, ``1e6``, ``1,000``; ``60mg`` also reads) and a unit read by
  the package's pint registry (``mg``, ``ug``/``mcg``/``µg``, ``g``, ``IU``, ``cells``, ``cells/kg``).
  It must have the therapy's dimension (a mass for drugs, IU or a mass for vitamin D, a cell
  count or cells per body mass for MSCs), be > 0 and lie within the catalogue's plausible
  range (by default 1/10 of the smallest to 10x the largest typical dose).  It is stored in
  the therapy's canonical unit (``mg``, ``ug``, ``IU``, ``cells``, ``cells/kg``).
* **Route** (optional for drugs, which each have a default; required for MSCs): ``oral``,
  ``sc``, ``iv``, ``intraosseous`` (aliases ``intramedullary``, ``intra-marrow``...), ``into the gap``.
* **Frequency**: ``daily``, ``weekly``, ``fortnightly``, ``monthly``, ``quarterly``, ``yearly`` /
  ``annually``, ``twice daily|weekly|monthly|yearly``, ``once daily|weekly|...`` / ``once a week``
  (= weekly), ``every <N> days|weeks|months|years`` (also ``every month``, ``every other week``),
  and ``once`` (a single dose).  The shortest interval is half a day.
* **Times** (``for``, ``starting at``, ``at``): a number >= 0 and ``days``, ``weeks``, ``months``,
  ``years`` (or ``hours``; abbreviations ``d``, ``wk``, ``mo``, ``yr``, ``y``, ``h``).
  **1 year = 365.25 days and 1 month = 365.25/12 = 30.4375 days** (as pint's and
  :data:`osteosim.units.DAYS_PER_YEAR`).  Times are relative to the start of the simulation
  and at most 100 years.
* ``for <duration>``: doses at ``start + k * interval`` for every k with ``k * interval <
  duration`` (``every 6 months for 3 years`` = 6 doses, ``yearly for 3 years`` = 3 doses at
  0, 1, 2 years as in HORIZON-PFT).  A duration shorter than one interval is an error (write
  ``once``).  Without ``for``, a repeated therapy runs to the end of the simulation
  (``count`` is None until :meth:`Prescription.dosing_blocks` is given the horizon).
* ``starting at <time>`` (recurring) / ``at <time>`` (either): the first dose; default 0.
  ``once`` takes no ``for``.  Clauses after the frequency may come in any order.
* **MSC products**: source ``bone-marrow`` | ``adipose`` | ``umbilical-cord`` (required; aliases
  ``bone marrow``, ``bm``, ``adipose-derived``, ``uc``...), ``autologous`` | ``allogeneic``
  (default **allogeneic**, so ``msc bone-marrow 2e6 cells/kg iv once`` reads), optional
  ``donor age <years>`` (0-100).  Rules: autologous cells take the patient's age at the dose
  and disease state, so ``donor age`` with ``autologous`` is an **error** (not silently
  ignored); umbilical-cord cells are always allogeneic and from a newborn (donor age 0 if
  given); an allogeneic product without a donor age has the catalogue's default
  (:data:`~osteosim.therapies.catalog.MSC_DEFAULT_DONOR_AGE`).  ``intraosseous`` needs
  ``site lumbar_spine|total_hip|femoral_neck``; ``iv`` and ``into the gap`` (the fracture of
  the healing module) take no site.

Mapping form (YAML), equivalent to a string; unknown keys are errors with a suggestion::

    {therapy: denosumab, dose: "60 mg", every: "6 months", for: "3 years", starting_at: "0 months"}
    {therapy: alendronate, dose: "70 mg", frequency: weekly, for: "3 years"}
    {therapy: msc, source: bone-marrow, donor: autologous, dose: "5e6 cells", route: intraosseous,
     frequency: once, at: "0 months", site: lumbar_spine}

Keys: ``therapy`` (required), ``dose`` (required, a string with a unit), ``route``,
``frequency`` (any frequency phrase, including ``once``) or ``every`` (a time: ``every: 6 months``),
``for``, ``starting_at`` or its synonym ``at``, and for MSCs ``source``, ``donor``, ``donor_age``
(years, a number), ``site``.  As in the string form, a start time without a frequency means once.

Errors are :class:`RegimenError` (a ``ValueError``) with one line that names the entry, the
text and the offending word, and what was expected::

    regimen[1]: 'denosumab 60 mgs every 6 months': cannot read '60 mgs' as a dose; expected a
    number and a unit such as '60 mg'

(mapping entries name the key: ``regimen[0].dose: ...``).  ``err.word`` is the offending
words exactly as they appear in the text ('' when the text ended too early) and
``err.position`` their character offset.

Dose trains
-----------
:meth:`Prescription.dosing_blocks` gives the engine's :class:`~osteosim.solve.dosing.DosingBlock`
list: one block ``(t0 + start, interval, count, amount, duration)`` in days and the canonical
unit.  Oral and SC doses and MSC injections are boluses (duration 0; IV MSCs too: the lungs
clear them with t1/2 ~ 24 h, far longer than the infusion).  Zoledronic acid is a 15-minute
infusion (``duration = 15/1440`` day; HORIZON-PFT and the label).  A single dose is a block
with ``count = 1`` and ``interval = 1`` day.  With a horizon (days after the simulation start),
doses at or after it are dropped and an open-ended therapy is filled up to it.  ``cells/kg``
doses need the patient's ``body_weight_kg`` to become cell counts.  Prescriptions of the same
therapy may overlap (their doses add).
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..units import DAYS_PER_YEAR  # 365.25
from . import catalog as cat
from .catalog import THERAPIES, Therapy

__all__ = [
    "RegimenError",
    "Prescription",
    "Regimen",
    "parse_regimen",
    "parse_prescription",
    "MAPPING_KEYS",
    "DAYS_PER_YEAR",
    "DAYS_PER_MONTH",
    "MAX_DAYS",
    "MIN_INTERVAL_DAYS",
]

DAYS_PER_MONTH = DAYS_PER_YEAR / 12.0  # 30.4375
MAX_DAYS = 100 * DAYS_PER_YEAR
MIN_INTERVAL_DAYS = 0.5

#: keys of the mapping form
MAPPING_KEYS = ("therapy", "dose", "route", "frequency", "every", "for", "starting_at", "at",
                "source", "donor", "donor_age", "site")

_EXAMPLE = "'alendronate 70 mg weekly for 3 years'"
_FREQ_HELP = ("daily, weekly, monthly, yearly, twice yearly, every <N> days|weeks|months|years, "
              "or once [at <time>]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_GLUED = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)([A-Za-zµμ].*)")
_UNIT_TOKEN = re.compile(r"[A-Za-zµμ_][A-Za-z0-9µμ_/.*^-]{0,30}")

_TIME_UNITS: dict[str, float] = {}
for _names, _days in (
    (("day", "days", "d"), 1.0),
    (("week", "weeks", "wk", "wks"), 7.0),
    (("month", "months", "mo", "mos", "mth", "mths"), DAYS_PER_MONTH),
    (("year", "years", "yr", "yrs", "y"), DAYS_PER_YEAR),
    (("hour", "hours", "h", "hr", "hrs"), 1.0 / 24.0),
):
    for _n in _names:
        _TIME_UNITS[_n] = _days

#: "daily" etc. -> interval (days)
_PERIOD_ADVERBS = {
    "daily": 1.0, "weekly": 7.0, "fortnightly": 14.0, "monthly": DAYS_PER_MONTH,
    "quarterly": 3 * DAYS_PER_MONTH, "yearly": DAYS_PER_YEAR, "annually": DAYS_PER_YEAR,
    "semiannually": DAYS_PER_YEAR / 2, "semi-annually": DAYS_PER_YEAR / 2,
}
#: "a day" / "per week" nouns -> interval
_PERIOD_NOUNS = {"day": 1.0, "week": 7.0, "month": DAYS_PER_MONTH, "year": DAYS_PER_YEAR}
_DONOR_WORDS = {"autologous": "autologous", "allogeneic": "allogeneic", "allogenic": "allogeneic",
                "allogenous": "allogeneic"}
_GAP = ("into", "the", "gap")

#: dose units as prescribers write them, in any case ("60 MG" is 60 mg, not 60 megagauss) -> pint spelling
_UNIT_ALIASES = {"mg": "mg", "g": "g", "ug": "ug", "mcg": "ug", "µg": "ug", "μg": "ug", "iu": "IU", "i.u.": "IU",
                 "cell": "cells", "cells": "cells", "cell/kg": "cells/kg", "cells/kg": "cells/kg"}


_UNIT_WORDS = {"mg": "a mass", "ug": "a mass", "IU": "international units", "cells": "a cell count",
               "cells/kg": "cells per kg body weight"}


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


class _Problem(Exception):
    """Internal: a problem with one field (mapped to a word or a key by the caller)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# ----------------------------------------------------------------------------
# formatting numbers and times (exact round trip: the parser computes value * unit_days)
def _fmt_num(x: float) -> str:
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


def _fmt_time(days: float) -> str:
    """Exact spelling of a time: a whole number of years, months, weeks or days if there is one, else a short decimal."""
    if days == 0:
        return "0 months"
    for unit, u in _TIME_SPELLINGS:
        n = days / u
        if n == round(n) and float(round(n)) * u == days:
            return _plural(_fmt_num(float(round(n))), unit)
    for unit, u in _TIME_SPELLINGS:
        s = _fmt_num(days / u)
        if float(s) * u == days and len(s.replace(".", "").lstrip("0")) <= 4 and "e" not in s:
            return _plural(s, unit)
    return _plural(_fmt_num(days), "day")


def _fmt_interval(days: float) -> str:
    named = {1.0: "daily", 7.0: "weekly", DAYS_PER_MONTH: "monthly", DAYS_PER_YEAR: "yearly", 0.5: "twice daily",
             3.5: "twice weekly", 14.0: "every 2 weeks"}
    if days in named:
        return named[days]
    return "every " + _fmt_time(days)


# ----------------------------------------------------------------------------
# the data model
@dataclass(frozen=True)
class Prescription:
    """One line of a regimen: a therapy, its dose and its schedule (times in days after the simulation start).

    ``interval_days`` is None for a single dose; ``count`` is None for a therapy without
    ``for`` (open-ended: it runs to the horizon given to :meth:`dosing_blocks`);
    ``duration_days`` is the ``for`` value (0 for a single dose, None when open-ended).
    ``dose`` is in ``dose_unit``, the therapy's canonical unit.  MSC products carry
    ``source``, ``donor``, ``donor_age_years`` (None: autologous, or the product default) and
    ``site`` (intraosseous).  ``text`` is the entry as written (not compared).
    """

    therapy: str
    drug_class: str
    dose: float
    dose_unit: str
    route: str
    interval_days: float | None
    count: int | None
    start_days: float = 0.0
    duration_days: float | None = 0.0
    infusion_days: float = 0.0
    source: str | None = None
    donor: str | None = None
    donor_age_years: float | None = None
    site: str | None = None
    text: str = field(default="", compare=False)

    # -- descriptors --------------------------------------------------------
    @property
    def is_once(self) -> bool:
        return self.interval_days is None

    @property
    def is_open_ended(self) -> bool:
        return self.count is None

    @property
    def is_msc(self) -> bool:
        return self.drug_class == "cell_therapy"

    @property
    def catalog_entry(self) -> Therapy:
        return THERAPIES[self.therapy]

    @property
    def end_days(self) -> float | None:
        """Day the prescription stops (start + duration; a single dose: its time plus infusion); None: open-ended."""
        if self.is_open_ended:
            return None
        if self.is_once:
            return self.start_days + self.infusion_days
        return self.start_days + float(self.duration_days or 0.0)

    @property
    def frequency(self) -> str:
        return "once" if self.is_once else _fmt_interval(float(self.interval_days))

    def donor_age(self, patient_age_years: float) -> float | None:
        """Donor age of an MSC product given the patient's age at the dose (None for drugs)."""
        if not self.is_msc:
            return None
        if self.donor == "autologous":
            return float(patient_age_years)
        if self.donor_age_years is not None:
            return float(self.donor_age_years)
        return cat.MSC_DEFAULT_DONOR_AGE[self.source or "bone-marrow"]

    # -- text ------------------------------------------------------------------
    def __str__(self) -> str:
        """The canonical regimen string (parses back to an equal Prescription)."""
        words = [self.therapy]
        if self.is_msc:
            words += [str(self.source), str(self.donor)]
            if self.donor_age_years is not None:
                words += ["donor age", _fmt_num(self.donor_age_years)]
        words.append(f"{_fmt_num(self.dose)} {self.dose_unit}")
        if self.is_msc or self.route != self.catalog_entry.default_route:
            words.append(self.route)
        if self.is_once:
            words.append("once" if self.start_days == 0 else f"once at {_fmt_time(self.start_days)}")
        else:
            words.append(self.frequency)
            if not self.is_open_ended:
                words.append(f"for {_fmt_time(float(self.duration_days))}")
            if self.start_days != 0:
                words.append(f"starting at {_fmt_time(self.start_days)}")
        if self.site is not None:
            words.append(f"site {self.site}")
        return " ".join(words)

    def to_mapping(self) -> dict[str, Any]:
        """The equivalent mapping form (parses back to an equal Prescription)."""
        out: dict[str, Any] = {"therapy": self.therapy}
        if self.is_msc:
            out["source"] = self.source
            out["donor"] = self.donor
            if self.donor_age_years is not None:
                out["donor_age"] = self.donor_age_years
        out["dose"] = f"{_fmt_num(self.dose)} {self.dose_unit}"
        out["route"] = self.route
        if self.is_once:
            out["frequency"] = "once"
            out["at"] = _fmt_time(self.start_days)
        else:
            out["every"] = _fmt_time(float(self.interval_days))
            if not self.is_open_ended:
                out["for"] = _fmt_time(float(self.duration_days))
            out["starting_at"] = _fmt_time(self.start_days)
        if self.site is not None:
            out["site"] = self.site
        return out

    # -- doses -----------------------------------------------------------------
    def amount(self, body_weight_kg: float | None = None) -> float:
        """One dose in the absolute canonical unit (cells for ``cells/kg`` doses times the body weight)."""
        if self.dose_unit.endswith("/kg"):
            if body_weight_kg is None:
                raise ValueError(
                    f"{self.therapy}: the dose {_fmt_num(self.dose)} {self.dose_unit} needs the patient's body weight "
                    "(body_weight_kg) to become a cell count"
                )
            if not (isinstance(body_weight_kg, (int, float)) and math.isfinite(body_weight_kg) and body_weight_kg > 0):
                raise ValueError(f"body_weight_kg: {body_weight_kg!r} is not allowed (a number > 0)")
            return self.dose * float(body_weight_kg)
        return self.dose

    @property
    def amount_unit(self) -> str:
        """Unit of :meth:`amount` and of the dosing blocks' ``amount``."""
        return self.dose_unit[:-3] if self.dose_unit.endswith("/kg") else self.dose_unit

    def _count_to(self, horizon_days: float | None) -> int:
        """Doses given before the horizon (days after the simulation start)."""
        if self.is_once:
            n = 1
        elif self.count is not None:
            n = self.count
        elif horizon_days is None:
            raise ValueError(
                f"{str(self)!r} runs to the end of the simulation: give horizon_days (days after the start)"
            )
        else:
            n = None
        if horizon_days is None:
            return int(n)  # type: ignore[arg-type]
        if self.start_days >= horizon_days:
            return 0
        if self.is_once:
            return 1
        room = math.ceil((horizon_days - self.start_days) / self.interval_days - 1e-9)
        return max(0, room if n is None else min(n, room))

    def dose_times(self, horizon_days: float | None = None) -> list[float]:
        """Days (after the simulation start) of every dose given before the horizon."""
        n = self._count_to(horizon_days)
        step = self.interval_days or 0.0
        return [self.start_days + k * step for k in range(n)]

    def dosing_blocks(self, t0_days: float = 0.0, horizon_days: float | None = None,
                      body_weight_kg: float | None = None) -> list:
        """The engine's dose trains: ``[DosingBlock(t0 + start, interval, count, amount, duration)]``.

        ``t0_days`` is the model time of the simulation start; ``horizon_days`` the end of the
        simulation in days after its start (required for an open-ended therapy; doses at or
        after it are dropped); ``body_weight_kg`` converts ``cells/kg`` doses to cells.
        Empty when no dose falls before the horizon.
        """
        from ..solve.dosing import DosingBlock  # the solver layer (imports jax) only when needed

        n = self._count_to(horizon_days)
        if n <= 0:
            return []
        interval = 1.0 if self.is_once else float(self.interval_days)
        return [DosingBlock(start=float(t0_days) + self.start_days, interval=interval, count=int(n),
                            amount=self.amount(body_weight_kg), duration=self.infusion_days)]


class Regimen:
    """An ordered list of :class:`Prescription` (sequences, switches and combinations).

    ``Regimen(items)`` takes regimen strings, mappings, Prescriptions or another Regimen;
    strings and mappings are parsed (errors: :class:`RegimenError`).
    """

    __slots__ = ("prescriptions",)

    def __init__(self, items: Iterable[Any] | str | Mapping | None = (), *, where: str = "regimen"):
        if items is None:
            items = ()
        if isinstance(items, Regimen):
            items = items.prescriptions
        if isinstance(items, (str, Mapping, Prescription)):
            items = [items]
        if not isinstance(items, Iterable):
            raise RegimenError(f"{where}: {_short(items)} is not allowed (a list of regimen strings or mappings)")
        out = []
        for i, item in enumerate(items):
            out.append(item if isinstance(item, Prescription) else parse_prescription(item, i, where=where))
        self.prescriptions: tuple[Prescription, ...] = tuple(out)

    def __iter__(self):
        return iter(self.prescriptions)

    def __len__(self) -> int:
        return len(self.prescriptions)

    def __bool__(self) -> bool:
        return bool(self.prescriptions)

    def __getitem__(self, i):
        return self.prescriptions[i]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Regimen) and self.prescriptions == other.prescriptions

    def __hash__(self) -> int:
        return hash(self.prescriptions)

    def __str__(self) -> str:
        return "; ".join(p.text or str(p) for p in self.prescriptions)

    def __repr__(self) -> str:
        return f"Regimen({[p.text or str(p) for p in self.prescriptions]!r})"

    def to_list(self) -> list[str]:
        """Canonical strings, one per prescription."""
        return [str(p) for p in self.prescriptions]

    def therapies(self) -> list[str]:
        """Canonical therapy names in order of first appearance."""
        seen: list[str] = []
        for p in self.prescriptions:
            if p.therapy not in seen:
                seen.append(p.therapy)
        return seen

    def drug_classes(self) -> list[str]:
        seen: list[str] = []
        for p in self.prescriptions:
            if p.drug_class not in seen:
                seen.append(p.drug_class)
        return seen

    @property
    def has_msc(self) -> bool:
        return any(p.is_msc for p in self.prescriptions)

    def for_therapy(self, name: str) -> list[Prescription]:
        """The prescriptions of one therapy (any alias); ValueError with a suggestion for an unknown name."""
        canon = cat.get_therapy(name).name
        return [p for p in self.prescriptions if p.therapy == canon]

    def blocks(self, therapy: str, t0_days: float = 0.0, horizon_days: float | None = None,
               body_weight_kg: float | None = None) -> list:
        """Every dosing block of one therapy, in order of start."""
        out = []
        for p in self.for_therapy(therapy):
            out.extend(p.dosing_blocks(t0_days, horizon_days, body_weight_kg))
        return sorted(out, key=lambda b: b.start)

    @property
    def end_days(self) -> float:
        """Day the last prescription stops; ``inf`` when one runs to the end of the simulation; 0 when empty."""
        ends = [p.end_days for p in self.prescriptions]
        if any(e is None for e in ends):
            return math.inf
        return max(ends, default=0.0)  # type: ignore[type-var]


def parse_regimen(items: Iterable[Any] | str | Mapping | None, where: str = "regimen") -> Regimen:
    """Parse a list of regimen strings and/or mappings (DESIGN section 5) into a :class:`Regimen`.

    ``[]`` (or None) gives an empty Regimen.  Errors are :class:`RegimenError` (ValueError),
    one line starting with ``<where>[<index>]``.
    """
    return Regimen(items, where=where)


def parse_prescription(item: Any, index: int | None = None, where: str = "regimen") -> Prescription:
    """Parse one regimen string or mapping."""
    label = where if index is None else f"{where}[{index}]"
    if isinstance(item, str):
        return _parse_string(item, label, index)
    if isinstance(item, Mapping):
        return _parse_mapping(item, label, index)
    raise RegimenError(
        f"{label}: {_short(item)} is not allowed (a regimen string such as {_EXAMPLE}, or a mapping)",
        index=index,
    )


def _short(value: Any, limit: int = 60) -> str:
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


# ----------------------------------------------------------------------------
# tokens
@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in re.finditer(r"\S+", text):
        s, e = m.start(), m.end()
        word = m.group()
        while word and word[-1] in ",;":
            word, e = word[:-1], e - 1
        if not word:
            continue
        g = _GLUED.fullmatch(word)
        if g and not _NUMBER.fullmatch(word):
            n = len(g.group(1))
            toks.append(_Tok(word[:n], s, s + n))
            toks.append(_Tok(word[n:], s + n, e))
        else:
            toks.append(_Tok(word, s, e))
    return toks


def _is_number(word: str) -> bool:
    return bool(_NUMBER.fullmatch(word))


def _number(word: str) -> float | None:
    if not _NUMBER.fullmatch(word):
        return None
    v = float(word.replace(",", ""))
    return v if math.isfinite(v) else None


# ----------------------------------------------------------------------------
# pieces shared by the string and mapping forms (raise _Problem)
def _dose_error(field: str, shown: str) -> _Problem:
    return _Problem(field, f"cannot read {shown!r} as a dose; expected a number and a unit such as '60 mg'")


def _read_dose(therapy: Therapy, number: str, unit: str | None, shown: str) -> tuple[float, str]:
    """(value, canonical unit) of a dose written as number + unit; checks dimension, sign and range."""
    from ..units import ureg

    example = _dose_example(therapy)
    value = _number(number)
    if value is None:
        raise _dose_error("dose", shown)
    if unit is None:
        raise _Problem("dose", f"cannot read {shown!r} as a dose: it has no unit; expected a number and a unit "
                               f"such as {example!r}")
    u = _UNIT_ALIASES.get(unit.lower(), unit)
    if not _UNIT_TOKEN.fullmatch(u) or u.lower() in _TIME_UNITS or u.lower() in ("per",):
        raise _Problem("dose", f"cannot read {shown!r} as a dose; expected a number and a unit such as {example!r}")
    try:
        q = ureg.Quantity(value, ureg.parse_units(u))
    except Exception:  # pint raises several kinds for a bad unit
        raise _Problem("dose", f"cannot read {shown!r} as a dose; expected a number and a unit such as "
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
        wanted = " or ".join(f"{u} ({_UNIT_WORDS.get(u, u)})" for u in therapy.dose_units)
        raise _Problem("dose", f"cannot give {therapy.name} as {shown!r}: it is dosed in {wanted}, such as "
                               f"{example!r}")
    try:
        v = float(q.magnitude) * factor if factor != 1.0 else float(q.to(canon).magnitude)
    except Exception:  # pragma: no cover - same dimensionality converts
        raise _dose_error("dose", shown) from None
    if v <= 0:
        raise _Problem("dose", f"the dose {shown!r} must be > 0")
    lo, hi = therapy.dose_range(canon)
    if not (math.isfinite(v) and lo * (1 - 1e-12) <= v <= hi * (1 + 1e-12)):
        typical = ", ".join(f"{_fmt_num(d)} {canon}" for d in therapy.typical_doses.get(canon, ()))
        raise _Problem("dose", f"the dose {shown!r} ({_fmt_num(v)} {canon}) is outside the plausible range "
                               f"{_fmt_num(lo)}..{_fmt_num(hi)} {canon} for {therapy.name} (typical: {typical})")
    return v, canon


def _dose_example(therapy: Therapy) -> str:
    unit = therapy.dose_units[0]
    d = therapy.typical_doses.get(unit, (1.0,))
    return f"{_fmt_num(d[len(d) // 2] if therapy.is_msc else d[-1])} {unit}"


def _read_time(field: str, words: list[str], shown: str, what: str) -> float:
    """Days of a time written as '<number> <unit>' (words already split)."""
    example = "'18 months'" if field != "start" else "'1 year'"
    if len(words) != 2:
        raise _Problem(field, f"cannot read {shown!r} as {what}; expected a number and days, weeks, months or "
                              f"years, such as {example}")
    value = _number(words[0])
    unit = _TIME_UNITS.get(words[1].lower())
    if value is None or unit is None:
        hint = ""
        if value is not None:
            close = cat.suggest(words[1], [k for k in _TIME_UNITS if len(k) > 2])
            hint = f" (did you mean {close!r}?)" if close else ""
        raise _Problem(field, f"cannot read {shown!r} as {what}; expected a number and days, weeks, months or "
                              f"years, such as {example}{hint}")
    days = value * unit
    if days < 0:
        raise _Problem(field, f"{what} {shown!r} must be >= 0")
    if days > MAX_DAYS:
        raise _Problem(field, f"{what} {shown!r} is longer than the allowed 100 years")
    return days


def _frequency_words(toks: list[str], i: int) -> tuple[float | None, int] | None:
    """Read a frequency at toks[i]: (interval days or None for once, words used); None if none is there."""
    n = len(toks)

    def low(k):
        return toks[k].lower() if k < n else ""

    w = low(i)
    if w in _PERIOD_ADVERBS:
        return _PERIOD_ADVERBS[w], 1
    if w in ("once", "twice"):
        div = 1.0 if w == "once" else 2.0
        nxt = low(i + 1)
        if nxt in _PERIOD_ADVERBS:
            return _PERIOD_ADVERBS[nxt] / div, 2
        if nxt in ("a", "per", "every") and low(i + 2) in _PERIOD_NOUNS:
            return _PERIOD_NOUNS[low(i + 2)] / div, 3
        if nxt == "every" and w == "once":
            r = _every(toks, i + 1)
            if r is not None:
                return r[0], r[1] + 1
        if w == "once":
            return None, 1
        raise _Problem("frequency", "'twice' needs a period: twice daily, twice weekly, twice yearly")
    if w == "every":
        return _every(toks, i)
    return None


def _every(toks: list[str], i: int) -> tuple[float, int] | None:
    """'every [N|other] <unit>' at toks[i] == 'every'."""
    n = len(toks)
    nxt = toks[i + 1].lower() if i + 1 < n else ""
    if nxt in _TIME_UNITS:
        return _TIME_UNITS[nxt], 2
    if nxt == "other" and i + 2 < n and toks[i + 2].lower() in _TIME_UNITS:
        return 2 * _TIME_UNITS[toks[i + 2].lower()], 3
    if i + 2 < n and _number(nxt) is not None and toks[i + 2].lower() in _TIME_UNITS:
        value = _number(nxt)
        if value <= 0:  # type: ignore[operator]
            raise _Problem("frequency", f"'every {toks[i + 1]} {toks[i + 2]}': the interval must be > 0")
        return value * _TIME_UNITS[toks[i + 2].lower()], 3  # type: ignore[operator]
    shown = " ".join(toks[i:i + 3])
    raise _Problem("frequency", f"cannot read {shown!r} as a frequency; expected 'every <N> days|weeks|months|years' "
                                f"such as 'every 6 months'")


# ----------------------------------------------------------------------------
# semantic checks and construction (both forms)
def _build(therapy: Therapy, dose: tuple[float, str], route: str | None, interval: float | None, once: bool,
           duration: float | None, start: float | None, source: str | None, donor: str | None,
           donor_age: float | None, site: str | None, shown: dict[str, str]) -> Prescription:
    """Check a read prescription and make it; ``shown[field]`` is how the user wrote each field."""
    value, unit = dose
    # route
    if route is None:
        if therapy.is_msc:
            raise _Problem("route", f"an MSC product needs a route after the dose: {', '.join(therapy.routes)}")
        route = therapy.default_route
    elif route not in therapy.routes:
        raise _Problem("route", f"{therapy.name} cannot be given by route {shown.get('route', route)!r} "
                                f"(allowed: {', '.join(therapy.routes)})")
    # MSC product
    if therapy.is_msc:
        if source is None:
            raise _Problem("source", "an MSC product needs a source: bone-marrow, adipose or umbilical-cord "
                                     "(e.g. 'msc bone-marrow allogeneic 1e6 cells/kg iv once')")
        donor = donor or "allogeneic"
        if donor == "autologous" and source == "umbilical-cord":
            raise _Problem("donor", "umbilical-cord MSCs are allogeneic (an adult patient has no cord of their own); "
                                    "write 'allogeneic'")
        if donor_age is not None:
            if donor == "autologous":
                raise _Problem("donor_age", "autologous cells take the patient's age at the dose; remove "
                                            f"{shown.get('donor_age', 'donor age')!r} or write 'allogeneic'")
            if not (0 <= donor_age <= 100):
                raise _Problem("donor_age", f"donor age {shown.get('donor_age', donor_age)!r} is outside 0..100 years")
            if source == "umbilical-cord" and donor_age != 0:
                raise _Problem("donor_age", "umbilical-cord cells come from a newborn's cord: donor age is 0")
        if route == "intraosseous" and site is None:
            raise _Problem("site", f"{shown.get('route', route)!r} injects into one skeletal site: add "
                                    f"'site <site>' ({', '.join(cat.SITES)})")
        if route != "intraosseous" and site is not None:
            what = "iv cells are systemic" if route == "iv" else "'into the gap' injects into the fracture"
            raise _Problem("site", f"{what}; 'site' goes only with intraosseous")
    else:
        for f, v in (("source", source), ("donor", donor), ("donor_age", donor_age), ("site", site)):
            if v is not None:
                raise _Problem(f, f"{shown.get(f, f)!r} is for MSC products only, not {therapy.name}")
    # schedule
    if not once and interval is None:
        if start is not None:
            once = True  # "into the gap at 1 week": a time without a frequency is a single dose
        else:
            raise _Problem("frequency", f"expected a frequency: {_FREQ_HELP}")
    start_days = float(start or 0.0)
    if once:
        if duration is not None:
            raise _Problem("for", f"a single dose ('once') takes no {shown.get('for', 'for')!r}; "
                                  "use a frequency such as 'daily' for a course")
        interval_days, count, duration_days = None, 1, 0.0
    else:
        interval_days = float(interval)  # type: ignore[arg-type]
        if interval_days < MIN_INTERVAL_DAYS:
            raise _Problem("frequency", f"{shown.get('frequency', _fmt_interval(interval_days))!r} is more often "
                                        f"than the shortest allowed interval, 0.5 days (twice daily)")
        if interval_days > MAX_DAYS:
            raise _Problem("frequency", f"{shown.get('frequency', '')!r}: the interval is longer than 100 years")
        if duration is None:
            count, duration_days = None, None
        else:
            if duration < interval_days * (1 - 1e-9):
                raise _Problem("for", f"{shown.get('for', _fmt_time(duration))!r} is shorter than one interval "
                                      f"({shown.get('frequency', _fmt_interval(interval_days))} = "
                                      f"{_fmt_num(round(interval_days, 4))} days); use 'once' for a single dose")
            count = max(1, math.ceil(duration / interval_days - 1e-9))
            duration_days = float(duration)
    if start_days + (duration_days or 0.0) > MAX_DAYS:
        raise _Problem("for" if duration_days else "start", "the prescription runs past 100 years")
    infusion = therapy.infusion_days if route == "iv" and not therapy.is_msc else 0.0
    return Prescription(
        therapy=therapy.name, drug_class=therapy.drug_class, dose=value, dose_unit=unit, route=route,
        interval_days=interval_days, count=count, start_days=start_days, duration_days=duration_days,
        infusion_days=infusion,
        source=source if therapy.is_msc else None, donor=donor if therapy.is_msc else None,
        donor_age_years=float(donor_age) if donor_age is not None else None,
        site=site,
    )


def _read_site(word: str) -> str:
    s = word.lower().replace("-", "_")
    if s in cat.SITES:
        return s
    close = cat.suggest(s, cat.SITES)
    hint = f"; did you mean {close!r}?" if close else ""
    raise _Problem("site", f"unknown site {word!r}{hint} (sites: {', '.join(cat.SITES)})")


# ----------------------------------------------------------------------------
# the string form
class _StringParser:
    def __init__(self, text: str, label: str, index: int | None):
        self.text = text
        self.label = label
        self.index = index
        self.toks = _tokenize(text)
        self.i = 0
        self.spans: dict[str, tuple[int, int]] = {}  # field -> token range [a, b)
        self.shown: dict[str, str] = {}

    # errors
    def fail(self, a: int, b: int, message: str, field: str | None = None):
        if a >= len(self.toks):  # the text ended
            word, pos = "", len(self.text.rstrip())
        else:
            b = max(b, a + 1)
            s, e = self.toks[a].start, self.toks[min(b, len(self.toks)) - 1].end
            word, pos = self.text[s:e], s
        raise RegimenError(f"{self.label}: {self.text!r}: {message}", index=self.index, text=self.text, word=word,
                           position=pos, field=field)

    def words(self, a: int, b: int) -> str:
        if a >= len(self.toks):
            return ""
        b = min(max(b, a + 1), len(self.toks))
        return self.text[self.toks[a].start:self.toks[b - 1].end]

    def low(self, k: int) -> str:
        return self.toks[k].low if k < len(self.toks) else ""

    def ended(self, expected: str):
        last = self.words(len(self.toks) - 1, len(self.toks)) if self.toks else ""
        self.fail(len(self.toks), len(self.toks), f"the entry ends after {last!r}; expected {expected}")

    def mark(self, field: str, a: int, b: int) -> None:
        self.spans[field] = (a, b)
        self.shown[field] = self.words(a, b)

    # grammar
    def parse(self) -> Prescription:
        if not self.toks:
            self.fail(0, 0, f"empty regimen entry; expected a prescription such as {_EXAMPLE}")
        therapy = self.therapy()
        source = donor = None
        donor_age = None
        if therapy.is_msc:
            source, donor, donor_age = self.msc_product()
        dose = self.dose(therapy)
        route = self.route(therapy)
        interval, once = self.frequency()
        duration = start = None
        site = None
        while self.i < len(self.toks):
            w = self.low(self.i)
            a = self.i
            if w == "for":
                if "for" in self.spans:
                    self.fail(a, a + 1, "'for' is given twice")
                duration = self.time("for", a, 1, "a duration")
            elif w in ("starting", "at", "from"):
                skip = 2 if (w == "starting" and self.low(a + 1) in ("at", "from")) else 1
                if "start" in self.spans:
                    self.fail(a, a + skip, "the start time is given twice")
                start = self.time("start", a, skip, "a start time")
            elif w == "site":
                if "site" in self.spans:
                    self.fail(a, a + 1, "'site' is given twice")
                if self.i + 1 >= len(self.toks):
                    self.ended(f"a site after 'site' ({', '.join(cat.SITES)})")
                try:
                    site = _read_site(self.toks[a + 1].text)
                except _Problem as p:
                    self.fail(a + 1, a + 2, p.message, "site")
                self.mark("site", a, a + 2)
                self.i = a + 2
            else:
                tail = ", 'site <site>'" if therapy.is_msc else ""
                extra = ""
                if _frequency_words_safe([t.text for t in self.toks], a) is not None:
                    extra = " (the frequency is already given)"
                self.fail(a, a + 1, f"cannot read {self.toks[a].text!r}{extra}; expected 'for <duration>', "
                                    f"'starting at <time>'{tail} or the end of the entry")
        try:
            return _build(therapy, dose, route, interval, once, duration, start, source, donor, donor_age, site,
                          self.shown)
        except _Problem as p:
            self.fail_field(p)
        raise AssertionError  # pragma: no cover

    def fail_field(self, p: _Problem):
        span = self.spans.get(p.field)
        if span is None:  # a missing part: point at the word it belongs to
            fallback = {"source": "therapy", "site": "route", "donor": "source"}.get(p.field)
            span = self.spans.get(fallback) if fallback else None
        if span is None:
            span = (len(self.toks), len(self.toks))
        self.fail(span[0], span[1], p.message, p.field)

    def therapy(self) -> Therapy:
        toks = self.toks
        for n in range(min(cat.MAX_ALIAS_WORDS, len(toks)), 0, -1):
            phrase = " ".join(t.low for t in toks[:n])
            if phrase in cat.ALIASES:
                self.mark("therapy", 0, n)
                self.i = n
                return THERAPIES[cat.ALIASES[phrase]]
        # unknown: the words before the first number (at most 3)
        n = 1
        while n < min(3, len(toks)) and not _is_number(toks[n].text) and _GLUED.fullmatch(toks[n].text) is None:
            n += 1
        candidates = [" ".join(t.low for t in toks[:k]) for k in range(n, 0, -1)]
        close = None
        for c in candidates:
            close = cat.suggest(c, cat.ALIASES, cutoff=0.75)
            if close:
                break
        shown = self.words(0, 1)
        if close:
            k = len(close.split())
            shown = self.words(0, min(k, n))
            hint = f"; did you mean {cat.ALIASES[close]!r}?"
            self.fail(0, min(k, n), f"unknown therapy {shown!r}{hint}", "therapy")
        first = self.low(0)
        if first in cat.MSC_SOURCE_ALIASES or first in _DONOR_WORDS:
            self.fail(0, 1, f"unknown therapy {shown!r}; MSC products start with 'msc', e.g. 'msc {first} ...'",
                      "therapy")
        self.fail(0, 1, f"unknown therapy {shown!r}; known: {', '.join(THERAPIES)}", "therapy")
        raise AssertionError  # pragma: no cover

    def msc_product(self) -> tuple[str | None, str | None, float | None]:
        source = donor = None
        donor_age = None
        toks = self.toks
        while self.i < len(toks):
            a = self.i
            w = self.low(a)
            if _is_number(toks[a].text):
                break
            two = f"{w} {self.low(a + 1)}"
            if two in cat.MSC_SOURCE_ALIASES or w in cat.MSC_SOURCE_ALIASES:
                n = 2 if two in cat.MSC_SOURCE_ALIASES else 1
                if source is not None:
                    self.fail(a, a + n, "the MSC source is given twice")
                source = cat.MSC_SOURCE_ALIASES[two if n == 2 else w]
                self.mark("source", a, a + n)
                self.i = a + n
            elif w in _DONOR_WORDS:
                if donor is not None:
                    self.fail(a, a + 1, "autologous/allogeneic is given twice")
                donor = _DONOR_WORDS[w]
                self.mark("donor", a, a + 1)
                self.i = a + 1
            elif w == "donor" and self.low(a + 1) == "age":
                if donor_age is not None:
                    self.fail(a, a + 2, "'donor age' is given twice")
                if a + 2 >= len(toks):
                    self.ended("a donor age in years after 'donor age', such as 'donor age 30'")
                v = _number(toks[a + 2].text)
                if v is None:
                    self.fail(a + 2, a + 3, f"cannot read {toks[a + 2].text!r} as a donor age; expected years, "
                                            "such as 'donor age 30'", "donor_age")
                b = a + 3
                if self.low(b) in ("years", "year", "y", "yr", "yrs", "years-old", "yo"):
                    b += 1
                donor_age = v
                self.mark("donor_age", a, b)
                self.i = b
            else:
                choices = list(cat.MSC_SOURCE_ALIASES) + list(_DONOR_WORDS) + ["donor"]
                close = cat.suggest(w, choices)
                hint = f"; did you mean {close!r}?" if close else ""
                self.fail(a, a + 1, f"cannot read {toks[a].text!r}: expected an MSC source (bone-marrow, "
                                    "adipose, umbilical-cord), autologous|allogeneic, 'donor age <years>' or a dose "
                                    f"such as '1e6 cells/kg'{hint}", "source")
        return source, donor, donor_age

    def dose(self, therapy: Therapy) -> tuple[float, str]:
        a = self.i
        example = _dose_example(therapy)
        if a >= len(self.toks):
            self.ended(f"a dose such as {example!r}")
        number = self.toks[a].text
        if not _is_number(number):
            self.fail(a, a + 1, f"cannot read {number!r} as a dose; expected a number and a unit such as "
                                f"{example!r}", "dose")
        unit = self.toks[a + 1].text if a + 1 < len(self.toks) else None
        if unit is not None and (_is_number(unit) or _frequency_words_safe([t.text for t in self.toks], a + 1)
                                 is not None or unit.lower() in ("for", "at", "starting")):
            unit = None
        b = a + (2 if unit is not None else 1)
        self.mark("dose", a, b)
        try:
            value = _read_dose(therapy, number, unit, self.words(a, b))
        except _Problem as p:
            self.fail(a, b, p.message, "dose")
        self.i = b
        return value

    def route(self, therapy: Therapy) -> str | None:
        a = self.i
        if tuple(self.low(a + k) for k in range(3)) == _GAP:
            self.mark("route", a, a + 3)
            self.i = a + 3
            return "into the gap"
        w = self.low(a)
        if w in cat.ROUTE_ALIASES:
            self.mark("route", a, a + 1)
            self.i = a + 1
            return cat.ROUTE_ALIASES[w]
        if therapy.is_msc:
            if a >= len(self.toks):
                self.ended("a route: iv, intraosseous or into the gap")
            close = cat.suggest(w, list(cat.ROUTE_ALIASES) + ["into the gap"])
            hint = f"; did you mean {close!r}?" if close else ""
            self.fail(a, a + 1, f"cannot read {self.toks[a].text!r} as a route{hint}; expected iv, intraosseous "
                                "or into the gap", "route")
        return None

    def frequency(self) -> tuple[float | None, bool]:
        a = self.i
        if a >= len(self.toks):
            self.ended(f"a frequency: {_FREQ_HELP}")
        texts = [t.text for t in self.toks]
        try:
            r = _frequency_words(texts, a)
        except _Problem as p:
            self.fail(a, min(a + 3, len(self.toks)), p.message, "frequency")
        if r is None:
            if self.low(a) in ("at", "starting"):
                return None, False  # a time without a frequency: once (checked in _build)
            close = cat.suggest(self.low(a), list(_PERIOD_ADVERBS) + ["once", "every", "twice"])
            hint = f"; did you mean {close!r}?" if close else ""
            self.fail(a, a + 1, f"cannot read {self.toks[a].text!r} as a frequency{hint}; expected {_FREQ_HELP}",
                      "frequency")
        interval, n = r
        self.mark("frequency", a, a + n)
        self.i = a + n
        return interval, interval is None

    def time(self, field: str, a: int, skip: int, what: str) -> float:
        b = a + skip
        keyword = self.words(a, b)
        if b >= len(self.toks):
            self.ended(f"{what} after {keyword!r}, such as '18 months'")
        words = [self.toks[b].text]
        if b + 1 < len(self.toks):
            words.append(self.toks[b + 1].text)
        shown = " ".join(words)
        try:
            days = _read_time(field, words, shown, what)
        except _Problem as p:
            self.fail(b, b + len(words), p.message, field)
        self.mark(field, a, b + 2)
        self.i = b + 2
        return days


def _frequency_words_safe(toks: list[str], i: int):
    try:
        return _frequency_words(toks, i)
    except _Problem:
        return True


def _parse_string(text: str, label: str, index: int | None) -> Prescription:
    p = _StringParser(text, label, index).parse()
    return replace(p, text=" ".join(text.split()))


# ----------------------------------------------------------------------------
# the mapping form
def _parse_mapping(item: Mapping, label: str, index: int | None) -> Prescription:
    def fail(key: str, message: str, value: Any = None):
        raise RegimenError(f"{label}.{key}: {message}", index=index, word=None if value is None else str(value),
                           field=key)

    for k in item:
        if not isinstance(k, str) or k not in MAPPING_KEYS:
            close = cat.suggest(str(k), MAPPING_KEYS) if isinstance(k, str) else None
            hint = f"; did you mean {close!r}?" if close else f"; allowed: {', '.join(MAPPING_KEYS)}"
            raise RegimenError(f"{label}: unknown key {k!r}{hint}", index=index, word=str(k), field=str(k))
    if "therapy" not in item:
        fail("therapy", f"required key is missing (a therapy name: {', '.join(THERAPIES)})")
    name = item["therapy"]
    if not isinstance(name, str) or cat.resolve_therapy(name) is None:
        close = cat.suggest(str(name), cat.ALIASES) if isinstance(name, str) else None
        hint = f"; did you mean {cat.ALIASES[close]!r}?" if close else f"; known: {', '.join(THERAPIES)}"
        fail("therapy", f"unknown therapy {name!r}{hint}", name)
    therapy = THERAPIES[cat.resolve_therapy(name)]  # type: ignore[index]

    def text_of(key: str) -> str | None:
        v = item.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            fail(key, f"{_short(v)} is not allowed (a string)", v)
        return str(v).strip()

    shown: dict[str, str] = {}
    # dose
    dose_text = text_of("dose")
    if dose_text is None:
        fail("dose", f"required key is missing (a dose such as {_dose_example(therapy)!r})")
    toks = [t.text for t in _tokenize(dose_text)]  # type: ignore[arg-type]
    try:
        if len(toks) == 1:
            dose = _read_dose(therapy, toks[0], None, dose_text)  # type: ignore[arg-type]
        elif len(toks) == 2:
            dose = _read_dose(therapy, toks[0], toks[1], dose_text)  # type: ignore[arg-type]
        else:
            raise _Problem("dose", f"cannot read {dose_text!r} as a dose; expected a number and a unit such as "
                                   f"{_dose_example(therapy)!r}")
    except _Problem as p:
        fail("dose", p.message, dose_text)
    # route
    route = None
    rt = text_of("route")
    if rt is not None:
        shown["route"] = rt
        rl = " ".join(rt.lower().split())
        route = "into the gap" if rl == "into the gap" else cat.ROUTE_ALIASES.get(rl)
        if route is None:
            close = cat.suggest(rl, list(cat.ROUTE_ALIASES) + ["into the gap"])
            hint = f"; did you mean {close!r}?" if close else ""
            fail("route", f"unknown route {rt!r}{hint} (routes: {', '.join(cat.ROUTES)})", rt)
    # frequency
    interval, once = None, False
    ft, et = text_of("frequency"), text_of("every")
    if ft is not None and et is not None:
        fail("every", "give either 'frequency' or 'every', not both", et)
    if ft is not None:
        shown["frequency"] = ft
        fw = ft.split()
        try:
            r = _frequency_words(fw, 0)
        except _Problem as p:
            fail("frequency", p.message, ft)
        if r is None or r[1] != len(fw):
            fail("frequency", f"cannot read {ft!r} as a frequency; expected {_FREQ_HELP}", ft)
        interval, _n = r  # type: ignore[misc]
        once = interval is None
    if et is not None:
        shown["frequency"] = f"every {et}"
        try:
            interval = _read_time("frequency", et.split(), et, "an interval")
        except _Problem as p:
            fail("every", p.message, et)
        if interval <= 0:
            fail("every", f"the interval {et!r} must be > 0", et)
    # times
    duration = None
    dt = text_of("for")
    if dt is not None:
        shown["for"] = f"for {dt}"
        try:
            duration = _read_time("for", dt.split(), dt, "a duration")
        except _Problem as p:
            fail("for", p.message, dt)
    st, at = text_of("starting_at"), text_of("at")
    if st is not None and at is not None:
        fail("at", "give either 'starting_at' or 'at', not both", at)
    start = None
    skey = "at" if at is not None else "starting_at"
    stext = at if at is not None else st
    if stext is not None:
        try:
            start = _read_time("start", stext.split(), stext, "a start time")
        except _Problem as p:
            fail(skey, p.message, stext)
    # MSC product
    source = donor = site = None
    donor_age = None
    s = text_of("source")
    if s is not None:
        shown["source"] = s
        source = cat.MSC_SOURCE_ALIASES.get(" ".join(s.lower().split()))
        if source is None:
            close = cat.suggest(s, cat.MSC_SOURCE_ALIASES)
            hint = f"; did you mean {close!r}?" if close else ""
            fail("source", f"unknown MSC source {s!r}{hint} (sources: {', '.join(cat.MSC_SOURCES)})", s)
    d = text_of("donor")
    if d is not None:
        shown["donor"] = d
        donor = _DONOR_WORDS.get(d.lower())
        if donor is None:
            fail("donor", f"{d!r} is not allowed (autologous or allogeneic)", d)
    da = item.get("donor_age")
    if da is not None:
        shown["donor_age"] = f"donor age {da}"
        if isinstance(da, bool):
            fail("donor_age", f"{da!r} is not allowed (years, a number)", da)
        if isinstance(da, str):
            parts = da.split()
            v = _number(parts[0]) if parts and (len(parts) == 1 or (len(parts) == 2 and parts[1].lower() in
                                                                    ("years", "year", "y", "yr", "yrs"))) else None
        elif isinstance(da, (int, float)) and math.isfinite(da):
            v = float(da)
        else:
            v = None
        if v is None:
            fail("donor_age", f"{_short(da)} is not allowed (years, a number)", da)
        donor_age = v
    si = text_of("site")
    if si is not None:
        shown["site"] = si
        try:
            site = _read_site(si)
        except _Problem as p:
            fail("site", p.message, si)
    try:
        p = _build(therapy, dose, route, interval, once, duration, start, source, donor, donor_age, site, shown)
    except _Problem as prob:
        key = {"start": skey, "frequency": "every" if et is not None else "frequency"}.get(prob.field, prob.field)
        fail(key, prob.message, item.get(key))
    return replace(p, text=str(p))
