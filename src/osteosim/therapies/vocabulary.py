"""The therapy vocabulary: drug classes, routes, sites, MSC sources and donors, and the :class:`Therapy` entry.

It imports nothing of the registry, so drug modules and the registry can read it (the catalogue
of registered therapies is :mod:`osteosim.therapies.catalog`).

Each :class:`Therapy` is what the regimen language needs to know about one therapy: the
canonical name (what :class:`~osteosim.therapies.Prescription` and the PK code use), the words
a prescriber may write for it, its drug class, the routes it may be given by (the first is
the default), the dose units it accepts, the approved / typical doses and schedules, the
plausible per-dose range the parser enforces, the infusion length of an IV dose, and the
sources (labels and pivotal trials of ``reference/targets/clinical-background.md`` section B;
MSC products from section E).  The entries themselves are declared by the drug modules
(``therapies/drugs/<drug>.py``, ``therapies/msc.py``) and found through the drug registry
(:mod:`osteosim.therapies.registry`); :data:`THERAPIES` and :data:`ALIASES` are live views of it.

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

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Therapy", "DRUG_CLASSES", "ROUTES", "ROUTE_ALIASES", "SITES", "MSC_SOURCES", "MSC_SOURCE_ALIASES", "MSC_DONORS", "MSC_DEFAULT_DONOR_AGE"]

#: drug class -> what it is (a label of the catalogue; what a drug does is its PK kind, therapies/pk.py)
DRUG_CLASSES: dict[str, str] = {
    "bisphosphonate": "bisphosphonates: bone-bound drug, osteoclast apoptosis, very slow washout",
    "anti_rankl": "RANKL antibody: target-mediated PK, RANKL sequestration, rebound after stopping",
    "pth_analogue": "PTH / PTHrP analogues: intermittent PTH is anabolic",
    "anti_sclerostin": "sclerostin antibody: formation up (waning), resorption down",
    "hormone_therapy": "estrogen / menopausal hormone therapy: resorption brake",
    "serm": "selective estrogen receptor modulator: partial estrogen agonist on bone (resorption brake)",
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
    #: length of one IV dose's infusion (minutes); 0: every dose is a bolus
    infusion_minutes: float = 0.0
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
        return self.infusion_minutes / 1440.0

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
            "infusion_minutes": self.infusion_minutes,
            "schedules": list(self.schedules),
            "references": list(self.references),
            "notes": self.notes,
        }
