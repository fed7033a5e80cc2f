"""The therapy catalogue: every therapy the regimen language knows.

Each :class:`Therapy` gives the canonical name (what :class:`~osteosim.therapies.Prescription`
and the drug modules use), the words a prescriber may write for it, its drug class, the
routes it may be given by (the first is the default), the dose units it accepts, the
approved / typical doses and schedules, the plausible per-dose range the parser enforces,
and the sources (labels and pivotal trials of ``reference/targets/clinical-background.md``
section B; MSC products from section E).

Plausible range rule: unless a therapy states its own, a single dose must lie within
``[smallest typical dose / 10, largest typical dose x 10]`` in the canonical unit (so
``denosumab 600 mg`` is accepted as an exploration, ``denosumab 6000 mg`` is an error
that names the range).  Drug doses are absolute (a human prescription); per-kilogram
doses are accepted only for MSCs (``cells/kg``).

Units: doses are read with the package's pint registry (:data:`osteosim.units.ureg`);
each therapy has one canonical unit per dimension (``mg``, ``ug``, ``IU``, ``cells``,
``cells/kg``) and doses are stored and handed to the solver in it.  Vitamin D may also be
written as a mass: 1 ug cholecalciferol = 40 IU.
"""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "Therapy",
    "THERAPIES",
    "DRUG_CLASSES",
    "ROUTES",
    "ROUTE_ALIASES",
    "SITES",
    "MSC_SOURCES",
    "MSC_SOURCE_ALIASES",
    "MSC_DONORS",
    "MSC_DEFAULT_DONOR_AGE",
    "INFUSION_MINUTES",
    "get_therapy",
    "resolve_therapy",
    "suggest",
]

#: drug class -> what it is (the drug modules are one per class)
DRUG_CLASSES: dict[str, str] = {
    "bisphosphonate": "bisphosphonates: bone-bound drug, osteoclast apoptosis, very slow washout",
    "anti_rankl": "RANKL antibody: target-mediated PK, RANKL sequestration, rebound after stopping",
    "pth_analogue": "PTH / PTHrP analogues: intermittent PTH is anabolic",
    "anti_sclerostin": "sclerostin antibody: formation up (waning), resorption down",
    "hormone_therapy": "estrogen / menopausal hormone therapy: resorption brake",
    "supplement": "calcium and vitamin D supplementation (PTH set-point)",
    "cell_therapy": "mesenchymal stem/stromal cells (therapies/msc.py, healing/)",
}

#: canonical route -> description
ROUTES: dict[str, str] = {
    "oral": "by mouth",
    "sc": "subcutaneous injection",
    "iv": "intravenous (infusion or injection)",
    "intraosseous": "injection into the marrow of one skeletal site (needs 'site <site>')",
    "into the gap": "local injection into a fracture gap (fracture healing)",
}

#: words a prescriber may write for a route (lower case) -> canonical route
ROUTE_ALIASES: dict[str, str] = {
    "oral": "oral", "orally": "oral", "po": "oral", "p.o.": "oral",
    "sc": "sc", "s.c.": "sc", "subcutaneous": "sc", "subcutaneously": "sc", "subcut": "sc", "sq": "sc",
    "iv": "iv", "i.v.": "iv", "intravenous": "iv", "intravenously": "iv",
    "intraosseous": "intraosseous", "intra-osseous": "intraosseous", "intramedullary": "intraosseous",
    "intra-medullary": "intraosseous", "intra-marrow": "intraosseous", "intra-bone-marrow": "intraosseous",
    "io": "intraosseous",
}

#: skeletal sites a local route may name (the model's sites)
from ..physiology.sites import SITES  # noqa: E402  (re-exported: the one list of sites)

#: infusion length of an IV drug dose (minutes); every other dose is a bolus (duration 0)
INFUSION_MINUTES: dict[str, float] = {
    # Reclast label and HORIZON-PFT: 5 mg over (no less than) 15 minutes
    "zoledronic acid": 15.0,
}

#: MSC tissue sources
MSC_SOURCES: dict[str, str] = {
    "bone-marrow": "bone-marrow MSCs (BM-MSC): the reference product; osteogenic, adipogenic with donor age",
    "adipose": "adipose-derived stromal cells (ASC): high colony frequency, osteogenic",
    "umbilical-cord": "umbilical-cord MSCs (UC-MSC): neonatal donor, highest proliferation, no adipogenesis "
                      "(Kern 2006); always allogeneic",
}
#: words for an MSC source (lower case; multi-word entries are matched as phrases) -> canonical
MSC_SOURCE_ALIASES: dict[str, str] = {
    "bone-marrow": "bone-marrow", "bone marrow": "bone-marrow", "bone_marrow": "bone-marrow", "bm": "bone-marrow",
    "bm-msc": "bone-marrow", "bmsc": "bone-marrow", "marrow": "bone-marrow",
    "adipose": "adipose", "adipose-derived": "adipose", "adipose tissue": "adipose", "adipose-tissue": "adipose",
    "at": "adipose", "ad-msc": "adipose", "adsc": "adipose", "asc": "adipose", "fat": "adipose",
    "umbilical-cord": "umbilical-cord", "umbilical cord": "umbilical-cord", "umbilical_cord": "umbilical-cord",
    "uc": "umbilical-cord", "uc-msc": "umbilical-cord", "cord": "umbilical-cord", "ucmsc": "umbilical-cord",
}
#: donor relation
MSC_DONORS: dict[str, str] = {
    "allogeneic": "cells from another (healthy) donor: donor age as given, else the product default; "
                  "the default when neither word is written",
    "autologous": "the patient's own cells: donor age is the patient's age at the dose, and the cells carry "
                  "the patient's disease state ('donor age' is then an error)",
}
#: donor age (years) of an allogeneic product when the prescription gives none
MSC_DEFAULT_DONOR_AGE: dict[str, float] = {
    "bone-marrow": 30.0,  # healthy young-adult volunteer donors of commercial BM-MSC products
    "adipose": 35.0,  # lipoaspirate donors, adults
    "umbilical-cord": 0.0,  # neonatal tissue
}


@dataclass(frozen=True)
class Therapy:
    """One entry of the catalogue (see the module docstring for the range rule)."""

    name: str
    drug_class: str
    description: str
    aliases: tuple[str, ...]
    routes: tuple[str, ...]
    #: canonical unit per accepted dimension, the first is the default (e.g. ("mg",))
    dose_units: tuple[str, ...]
    #: typical / approved single doses in the canonical unit, per unit
    typical_doses: Mapping[str, tuple[float, ...]]
    #: typical schedules, written as regimen strings (each must parse; tested)
    schedules: tuple[str, ...]
    #: labels and trials
    references: tuple[str, ...]
    #: explicit plausible per-dose range per unit; else the 10x rule on typical_doses
    range_override: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    #: extra accepted dimensions, converted: unit -> (canonical unit, factor)
    conversions: Mapping[str, tuple[str, float]] = field(default_factory=dict)
    notes: str = ""

    @property
    def default_route(self) -> str:
        return self.routes[0]

    @property
    def is_msc(self) -> bool:
        return self.drug_class == "cell_therapy"

    def dose_range(self, unit: str) -> tuple[float, float]:
        """Plausible single-dose range ``(lo, hi)`` in canonical ``unit`` (inclusive)."""
        if unit in self.range_override:
            return tuple(self.range_override[unit])  # type: ignore[return-value]
        doses = self.typical_doses[unit]
        return (min(doses) / 10.0, max(doses) * 10.0)

    @property
    def infusion_days(self) -> float:
        """Length of one dose's infusion in days (0: bolus)."""
        return INFUSION_MINUTES.get(self.name, 0.0) / 1440.0

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "drug_class": self.drug_class,
            "description": self.description,
            "aliases": list(self.aliases),
            "routes": list(self.routes),
            "default_route": self.default_route,
            "dose_units": list(self.dose_units),
            "typical_doses": {u: list(v) for u, v in self.typical_doses.items()},
            "dose_range": {u: list(self.dose_range(u)) for u in self.dose_units},
            "infusion_minutes": INFUSION_MINUTES.get(self.name, 0.0),
            "schedules": list(self.schedules),
            "references": list(self.references),
            "notes": self.notes,
        }


_T = Therapy

_THERAPY_LIST: tuple[Therapy, ...] = (
    _T(
        name="alendronate",
        drug_class="bisphosphonate",
        description="oral nitrogen-containing bisphosphonate",
        aliases=("alendronate", "alendronic acid", "alendronate sodium", "fosamax", "aln"),
        routes=("oral",),
        dose_units=("mg",),
        typical_doses={"mg": (5.0, 10.0, 35.0, 70.0)},
        schedules=("alendronate 10 mg daily for 3 years", "alendronate 70 mg weekly for 3 years",
                   "alendronate 5 mg daily for 2 years"),
        references=(
            "FIT-1: Black DM et al., Lancet 1996;348:1535-1541 (5 mg/d for 24 mo then 10 mg/d; 36 mo)",
            "FIT-2: Cummings SR et al., JAMA 1998;280:2077-2082",
            "ARCH: Saag KG et al., N Engl J Med 2017;377:1417-1427 (alendronate 70 mg weekly comparator)",
            "Fosamax (alendronate) prescribing information: 10 mg daily or 70 mg weekly (treatment), "
            "5 mg daily or 35 mg weekly (prevention)",
        ),
    ),
    _T(
        name="risedronate",
        drug_class="bisphosphonate",
        description="oral nitrogen-containing bisphosphonate",
        aliases=("risedronate", "risedronic acid", "risedronate sodium", "actonel", "ris"),
        routes=("oral",),
        dose_units=("mg",),
        typical_doses={"mg": (5.0, 35.0, 75.0, 150.0)},
        schedules=("risedronate 5 mg daily for 3 years", "risedronate 35 mg weekly for 3 years",
                   "risedronate 150 mg monthly for 3 years"),
        references=(
            "VERT-NA: Harris ST et al., JAMA 1999;282:1344-1352 (5 mg/d, 3 y)",
            "VERT-MN: Reginster J-Y et al., Osteoporos Int 2000;11:83-91",
            "HIP: McClung MR et al., N Engl J Med 2001;344:333-340",
            "Actonel (risedronate) prescribing information: 5 mg daily, 35 mg weekly, 150 mg monthly",
        ),
    ),
    _T(
        name="zoledronic acid",
        drug_class="bisphosphonate",
        description="intravenous bisphosphonate, once yearly (15-minute infusion)",
        aliases=("zoledronic acid", "zoledronate", "zoledronic", "zol", "reclast", "aclasta"),
        routes=("iv",),
        dose_units=("mg",),
        typical_doses={"mg": (5.0,)},
        schedules=("zoledronic acid 5 mg yearly for 3 years", "zoledronic acid 5 mg once"),
        references=(
            "HORIZON-PFT: Black DM et al., N Engl J Med 2007;356:1809-1822 (NCT00049829; 5 mg IV over 15 min "
            "at months 0, 12, 24)",
            "HORIZON-RFT: Lyles KW et al., N Engl J Med 2007;357:1799",
            "Reclast (zoledronic acid) prescribing information: 5 mg IV over no less than 15 minutes once yearly",
        ),
        notes="each dose is a 15-minute infusion (DosingBlock duration 15/1440 d)",
    ),
    _T(
        name="denosumab",
        drug_class="anti_rankl",
        description="fully human anti-RANKL monoclonal antibody, SC every 6 months",
        aliases=("denosumab", "prolia", "dmab", "den"),
        routes=("sc",),
        dose_units=("mg",),
        typical_doses={"mg": (60.0,)},
        schedules=("denosumab 60 mg every 6 months for 3 years", "denosumab 60 mg twice yearly for 10 years"),
        references=(
            "FREEDOM: Cummings SR et al., N Engl J Med 2009;361:756-765 (NCT00089791; 60 mg SC every 6 months, 36 mo)",
            "McClung MR et al., N Engl J Med 2006;354:821 (phase 2 dose ranging)",
            "Stopping: Cummings SR et al., J Bone Miner Res 2018;33:190-198",
            "Prolia (denosumab) prescribing information: 60 mg SC every 6 months",
        ),
    ),
    _T(
        name="teriparatide",
        drug_class="pth_analogue",
        description="recombinant human PTH(1-34), daily SC injection (anabolic)",
        aliases=("teriparatide", "forteo", "forsteo", "pth 1-34", "pth(1-34)", "rhpth(1-34)", "teri"),
        routes=("sc",),
        dose_units=("ug",),
        typical_doses={"ug": (20.0, 40.0)},
        range_override={"ug": (2.0, 200.0)},
        schedules=("teriparatide 20 ug daily for 18 months", "teriparatide 20 ug daily for 24 months",
                   "teriparatide 20 ug daily for 18 months starting at 1 year"),
        references=(
            "Fracture Prevention Trial: Neer RM et al., N Engl J Med 2001;344:1434-1441 (20 or 40 ug SC daily; "
            "median 19 mo)",
            "Forteo (teriparatide) prescribing information: 20 ug SC daily",
            "Lindsay R et al., Arch Intern Med 2004;164:2024 (after stopping)",
        ),
        notes="plausible range 2..200 ug (10x the approved 20 ug)",
    ),
    _T(
        name="abaloparatide",
        drug_class="pth_analogue",
        description="PTHrP(1-34) analogue, daily SC injection (anabolic)",
        aliases=("abaloparatide", "tymlos", "eladynos", "abalo"),
        routes=("sc",),
        dose_units=("ug",),
        typical_doses={"ug": (80.0,)},
        schedules=("abaloparatide 80 ug daily for 18 months",),
        references=(
            "ACTIVE: Miller PD et al., JAMA 2016;316:722-733 (80 ug SC daily, 18 mo) [not in "
            "reference/clinical-background.md]",
            "Tymlos (abaloparatide) prescribing information: 80 ug SC daily",
        ),
    ),
    _T(
        name="romosozumab",
        drug_class="anti_sclerostin",
        description="humanised anti-sclerostin monoclonal antibody, SC monthly for 12 doses",
        aliases=("romosozumab", "evenity", "romo"),
        routes=("sc",),
        dose_units=("mg",),
        typical_doses={"mg": (210.0,)},
        schedules=("romosozumab 210 mg monthly for 12 months",),
        references=(
            "FRAME: Cosman F et al., N Engl J Med 2016;375:1532-1543 (NCT01575834; 210 mg SC monthly, 12 mo, "
            "then denosumab)",
            "ARCH: Saag KG et al., N Engl J Med 2017;377:1417-1427 (NCT01631214; vs alendronate 70 mg weekly)",
            "Evenity (romosozumab) product information: 210 mg SC monthly for 12 doses",
        ),
    ),
    _T(
        name="estrogen",
        drug_class="hormone_therapy",
        description="menopausal hormone therapy, dosed as conjugated equine estrogens (CEE) per day",
        aliases=("estrogen", "oestrogen", "estrogens", "hormone therapy", "hormone replacement therapy",
                 "menopausal hormone therapy", "hrt", "ht", "mht", "cee", "conjugated estrogens",
                 "conjugated equine estrogens", "premarin"),
        routes=("oral",),
        dose_units=("mg",),
        typical_doses={"mg": (0.3, 0.45, 0.625, 1.25)},
        schedules=("estrogen 0.625 mg daily for 5 years",),
        references=(
            "WHI: Rossouw JE et al., JAMA 2002;288:321-333 (CEE 0.625 mg + MPA 2.5 mg daily)",
            "WHI BMD/fracture: Cauley JA et al., JAMA 2003;290:1729-1738",
            "Stopping: Karim R et al. 2011 (PMC3511047)",
        ),
        notes="doses are CEE-equivalent mg/day; a progestin (for women with a uterus) has no bone effect here",
    ),
    _T(
        name="calcium",
        drug_class="supplement",
        description="elemental calcium supplement (mg of calcium, not of the salt)",
        aliases=("calcium", "calcium carbonate", "calcium citrate", "ca"),
        routes=("oral",),
        dose_units=("mg",),
        typical_doses={"mg": (500.0, 600.0, 1000.0, 1200.0)},
        schedules=("calcium 1000 mg daily", "calcium 500 mg twice daily for 3 years"),
        references=(
            "given to every arm of FIT, HORIZON-PFT, FREEDOM (>= 1000 mg/d), FRAME: clinical-background.md A4",
            "IOM 2011 Dietary Reference Intakes: 1000-1200 mg/d for women over 50",
        ),
    ),
    _T(
        name="vitamin d",
        drug_class="supplement",
        description="cholecalciferol (vitamin D3) supplement",
        aliases=("vitamin d", "vitamin d3", "vit d", "vitd", "cholecalciferol", "colecalciferol", "vitamin_d"),
        routes=("oral",),
        dose_units=("IU",),
        typical_doses={"IU": (400.0, 800.0, 1000.0, 2000.0, 50000.0)},
        conversions={"ug": ("IU", 40.0)},
        schedules=("vitamin d 800 IU daily", "vitamin d 50000 IU monthly for 1 year"),
        references=(
            "given to every arm of FIT, HORIZON-PFT, FREEDOM (>= 400 IU/d), FRAME: clinical-background.md A4",
            "IOM 2011 Dietary Reference Intakes: 600-800 IU/d",
            "Heaney RP et al., Am J Clin Nutr 2003;77:204-210 (dose-response of 25(OH)D)",
        ),
        notes="masses convert at 1 ug = 40 IU",
    ),
    _T(
        name="msc",
        drug_class="cell_therapy",
        description="mesenchymal stem/stromal cells: msc <source> [autologous|allogeneic] [donor age <years>] "
                    "<dose> <cells|cells/kg> <iv|intraosseous|into the gap> ... [site <site>]",
        aliases=("msc", "mscs", "mesenchymal stem cells", "mesenchymal stromal cells", "mesenchymal stem cell",
                 "mesenchymal stromal cell", "stem cells"),
        routes=("iv", "intraosseous", "into the gap"),
        dose_units=("cells/kg", "cells"),
        typical_doses={"cells/kg": (1e6, 2e6, 5e6, 1e7), "cells": (1e5, 1e6, 5e6, 6e7, 1.2e8)},
        range_override={"cells/kg": (1e4, 1e9), "cells": (1e3, 1e10)},
        schedules=(
            "msc umbilical-cord allogeneic 1e6 cells/kg iv every 6 months for 2 years",
            "msc bone-marrow autologous 2e6 cells/kg iv once",
            "msc bone-marrow autologous 5e6 cells intraosseous once at 0 months site lumbar_spine",
            "msc bone-marrow allogeneic 1e6 cells into the gap at 1 week",
            "msc adipose allogeneic donor age 30 1e7 cells/kg iv once at 3 years",
        ),
        references=(
            "NCT02566655: autologous fucosylated BM-MSC, single IV dose 2e6 or 5e6 cells/kg (phase I, safety only)",
            "NCT05152381: allogeneic umbilical-cord MSC, IV (safety; no results)",
            "NCT06949137: UC-MSC IV dose escalation from 6e7 and 1.2e8 cells (recruiting)",
            "Uejima S et al., Cytotherapy 2008 (intrafemoral allogeneic BM-MSC in OVX rats; effect gone by 24 wk "
            "without re-injection)",
            "Stem Cells Int 2019, 4214281 (OVX mice: IV vs intra-bone-marrow)",
            "Lee RH et al., Cell Stem Cell 2009; Eggenhofer E et al., Front Immunol 2012 (IV lung trapping, "
            "t1/2 ~24 h)",
            "Kern S et al., Stem Cells 2006;24:1294 (bone marrow vs adipose vs umbilical cord)",
            "Geris L et al. 2010 (MSC injection into an atrophic non-union; reference/models/fracture-healing.md)",
        ),
        notes="no human efficacy data exist: MSC effects are hypothetical (clinical-background.md E). "
              "Plausible range: 1e4..1e9 cells/kg, 1e3..1e10 cells. IV cells are a bolus (lung clearance "
              "t1/2 ~24 h dwarfs infusion time). 'cells/kg' doses need the patient's body weight to become "
              "cell counts.",
    ),
)

#: canonical name -> Therapy, in catalogue order
THERAPIES: dict[str, Therapy] = {t.name: t for t in _THERAPY_LIST}

#: every alias (lower case, words separated by one space) -> canonical name
ALIASES: dict[str, str] = {}
for _t in _THERAPY_LIST:
    for _a in (_t.name, *_t.aliases):
        _key = " ".join(_a.lower().split())
        if ALIASES.get(_key, _t.name) != _t.name:  # pragma: no cover - catalogue consistency
            raise RuntimeError(f"therapy alias {_a!r} is used twice")
        ALIASES[_key] = _t.name
#: longest alias, in words
MAX_ALIAS_WORDS = max(len(a.split()) for a in ALIASES)


def suggest(word: str, choices, cutoff: float = 0.6) -> str | None:
    """The closest choice to ``word`` (difflib; case-insensitive) or None."""
    choices = list(choices)
    lowered = {str(c).lower(): c for c in choices}
    close = difflib.get_close_matches(str(word).lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[close[0]] if close else None


def resolve_therapy(name: str) -> str | None:
    """Canonical name of a therapy written any accepted way, or None."""
    if not isinstance(name, str):
        return None
    return ALIASES.get(" ".join(name.lower().split()))


def get_therapy(name: str) -> Therapy:
    """The catalogue entry for ``name`` (any alias); ValueError with a suggestion otherwise."""
    canon = resolve_therapy(name)
    if canon is None:
        close = suggest(name, ALIASES)
        hint = f"; did you mean {ALIASES[close]!r}?" if close else ""
        raise ValueError(f"unknown therapy {name!r}{hint} (known: {', '.join(THERAPIES)})")
    return THERAPIES[canon]
