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
  ``site <site>`` (a site of physiology.sites); ``iv`` and ``into the gap`` (the fracture of
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
:meth:`Prescription.dosing_blocks` gives the engine's :class:`~osteosim.therapies.dosing.DosingBlock`
list: one block ``(t0 + start, interval, count, amount, duration)`` in days and the canonical
unit.  Oral and SC doses and MSC injections are boluses (duration 0; IV MSCs too: the lungs
clear them with t1/2 ~ 24 h, far longer than the infusion).  Zoledronic acid is a 15-minute
infusion (``duration = 15/1440`` day; HORIZON-PFT and the label).  A single dose is a block
with ``count = 1`` and ``interval = 1`` day.  With a horizon (days after the simulation start),
doses at or after it are dropped and an open-ended therapy is filled up to it.  ``cells/kg``
doses need the patient's ``body_weight_kg`` to become cell counts.  Prescriptions of the same
therapy may overlap (their doses add).

Modules
-------
This module holds :class:`Regimen` and the entry points; the words are in :mod:`.words`, the
shared readers and checks in :mod:`.grammar`, the two forms in :mod:`.parse_text` and
:mod:`.parse_mapping`, :class:`Prescription` in :mod:`.prescription` and canonical spelling in
:mod:`.formatting`.  None of them names a therapy: every therapy word, unit, range, route and
infusion length comes from the catalogue, i.e. from the registered drug modules.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from . import catalog as cat
from .grammar import RegimenError, example_entry, short
from .parse_mapping import MAPPING_KEYS, parse_mapping
from .parse_text import parse_string
from .prescription import Prescription
from .words import DAYS_PER_MONTH, DAYS_PER_YEAR, MAX_DAYS, MIN_INTERVAL_DAYS

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
            raise RegimenError(f"{where}: {short(items)} is not allowed (a list of regimen strings or mappings)")
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

    def citation_keys(self) -> list[str]:
        """Citation keys (:mod:`osteosim.citations`) of the drugs this regimen uses, in order of first appearance."""
        from . import registry

        keys: list[str] = []
        for name in self.therapies():
            keys.extend(k for k in registry.get(name).citation_keys if k not in keys)
        return keys

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
        return parse_string(item, label, index)
    if isinstance(item, Mapping):
        return parse_mapping(item, label, index)
    raise RegimenError(
        f"{label}: {short(item)} is not allowed (a regimen string such as {example_entry()}, or a mapping)",
        index=index,
    )
