"""Country incidence and mortality of the FRAX-style clinic calculator (``osteosim risk --country``).

Read from ``osteosim/data/fracture_countries.yaml`` (each table with its unit and source).  A country
gives hip fracture incidence by 5-year age band and sex and all-cause mortality by age and sex; its
other major osteoporotic fractures follow FRAX's imputation from the hip (the hazard model in
:mod:`osteosim.outcomes.fracture` scales Fracture2026's vertebral and other incidences by the country's
hip incidence over Fracture2026's).  "norway" is Fracture2026 itself (today's behaviour), so it has
no tables here.  The trial engine never reads these tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import yaml

from .. import citations
from .fracture2026 import FRACTURE2026

DATA_FILE = "data/fracture_countries.yaml"
#: the countries ``osteosim risk --country`` accepts; "norway" is Fracture2026 (no tables)
COUNTRIES: tuple[str, ...] = ("us", "uk", "norway")
#: the country whose incidences are Fracture2026's own
FRACTURE2026_COUNTRY = "norway"

_R = citations.register
_R("Ettinger2010", authors="Ettinger B, Black DM, Dawson-Hughes B, Pressman AR, Melton LJ 3rd", year=2010,
   title="Updated fracture incidence rates for the US version of FRAX", journal="Osteoporos Int", volume="21",
   pages="25-33", pmcid="PMC2788143", note="Table 1: hip fracture incidence per 1,000, National Inpatient Sample 2006")
_R("SSA2022LifeTable", authors="US Social Security Administration, Office of the Chief Actuary", year=2025,
   title="Actuarial Life Table: period life table, 2022 (as used in the 2025 Trustees Report)",
   url="https://www.ssa.gov/oact/STATS/table4c6.html")
_R("VanDerVelde2016", authors="van der Velde RY et al.", year=2016,
   title="Secular trends in fracture incidence in the UK between 1990 and 2012", journal="Osteoporos Int",
   volume="27", pages="3197-3206", pmcid="PMC5035540",
   note="hip fracture 33.5 (women) and 13.4 (men) per 10,000 py at >= 50, 2008-2012 (CPRD)")
_R("ONS2013InterimLifeTables", authors="Office for National Statistics", year=2013,
   title="Interim Life Tables, England and Wales, 2010-2012",
   url="http://www.ons.gov.uk/ons/rel/lifetables/interim-life-tables/2010-2012/stbilt2012.html",
   note="life expectancy at 65 / 85: women 20.9 / 6.8 y, men 18.3 / 5.8 y")
_R("Klop2015", authors="Klop C et al.", year=2015,
   title="The epidemiology of hip and major osteoporotic fractures in a Dutch population of community-dwelling "
         "elderly: implications for the Dutch FRAX algorithm", journal="PLoS One", volume="10",
   pages="e0143800", pmcid="PMC4669166",
   note="FRAX imputes major osteoporotic fracture rates from hip rates with Swedish hip-to-MOF ratios")


@dataclass(frozen=True)
class CountryTables:
    """Hip incidence and mortality of one country, ready to interpolate.

    ``hip_ages`` (B,): years, the band mid-ages; ``hip_women``/``hip_men`` (B,): per year.
    Mortality is either a table (``mort_ages`` (M,) years at which ``mort_women``/``mort_men`` are death
    hazards per year) or Gompertz (``gompertz``: sex -> (hazard per year at 65, slope per year)).
    """

    name: str
    label: str
    citation_keys: tuple[str, ...]
    hip_ages: np.ndarray
    hip_women: np.ndarray
    hip_men: np.ndarray
    mort_ages: np.ndarray | None = None
    mort_women: np.ndarray | None = None
    mort_men: np.ndarray | None = None
    gompertz: dict[str, tuple[float, float]] | None = None

    def hip_incidence(self, age, female) -> np.ndarray:
        """Hip fracture incidence per year at ``age`` (years); female: 1.0/0.0, broadcast with age.

        Log-linear between band mid-ages, the first two bands' slope below, held after the last band."""
        age = np.asarray(age, float)
        a = self.hip_ages
        women, men = (_loglinear(age, a, v, hold_above=True) for v in (self.hip_women, self.hip_men))
        f = np.asarray(female, float)
        return f * women + (1.0 - f) * men

    def mortality(self, age, female) -> np.ndarray:
        """All-cause death hazard per year at ``age``; female: 1.0/0.0."""
        age, f = np.asarray(age, float), np.asarray(female, float)
        if self.gompertz is not None:
            (mw, bw), (mm, bm) = self.gompertz["women"], self.gompertz["men"]
            return f * mw * np.exp(bw * (age - 65.0)) + (1.0 - f) * mm * np.exp(bm * (age - 65.0))
        women, men = (_loglinear(age, self.mort_ages, v, hold_above=False) for v in (self.mort_women, self.mort_men))
        return f * women + (1.0 - f) * men


def _loglinear(age: np.ndarray, ages: np.ndarray, values: np.ndarray, hold_above: bool) -> np.ndarray:
    """Interpolate log(values) linearly in age; below the first point (and above the last unless
    ``hold_above``) continue the end segment's slope."""
    logv = np.log(values)
    out = np.interp(age, ages, logv)
    lo_slope = (logv[1] - logv[0]) / (ages[1] - ages[0])
    out = np.where(age < ages[0], logv[0] + lo_slope * (age - ages[0]), out)
    if not hold_above:
        hi_slope = (logv[-1] - logv[-2]) / (ages[-1] - ages[-2])
        out = np.where(age > ages[-1], logv[-1] + hi_slope * (age - ages[-1]), out)
    return np.exp(out)


@cache
def _raw() -> dict:
    return yaml.safe_load(resources.files("osteosim").joinpath(DATA_FILE).read_text())


def check_country(country: str) -> str:
    """The country name, or ValueError naming the field, the value and the allowed names."""
    if country not in COUNTRIES:
        raise ValueError(f"country: {country!r} is not allowed ({' | '.join(COUNTRIES)})")
    return country


@cache
def country_tables(country: str) -> CountryTables | None:
    """The tables of ``country``; None for "norway" (Fracture2026's parametric incidences and mortality)."""
    check_country(country)
    raw = _raw()
    c = raw["countries"][country]
    if c.get("model") == "Fracture2026":
        return None
    hip = c["hip"]
    starts = np.asarray(hip["band_starts"], float)
    mids = starts + 2.5
    mids[-1] = float(raw["open_band_age"])  # the open band (85+)
    if "scale_of" in hip:  # assumption documented in the data file: another country's age pattern, rescaled
        base = raw["countries"][hip["scale_of"]]["hip"]
        women = np.asarray(base["women"], float) * hip["scale_women"]
        men = np.asarray(base["men"], float) * hip["scale_men"]
        keys = (hip["source"], base["source"])
    else:
        women, men = np.asarray(hip["women"], float), np.asarray(hip["men"], float)
        keys = (hip["source"],)
    per_year = {"per 1,000 person-years": 1e-3}[hip["unit"]]
    if c["nonhip_mof"] != "ratio_to_hip":
        raise ValueError(f"{DATA_FILE}: countries.{country}.nonhip_mof: {c['nonhip_mof']!r} is not allowed (ratio_to_hip)")
    m = c["mortality"]
    kw: dict = {}
    if m["form"] == "qx_table":
        kw["mort_ages"] = np.asarray(m["ages"], float) + 0.5  # qx covers [x, x+1): its hazard sits mid-year
        kw["mort_women"] = -np.log1p(-np.asarray(m["women"], float))
        kw["mort_men"] = -np.log1p(-np.asarray(m["men"], float))
    elif m["form"] == "gompertz":
        kw["gompertz"] = {s: (float(m[s]["m65"]), float(m[s]["slope"])) for s in ("women", "men")}
    else:
        raise ValueError(f"{DATA_FILE}: countries.{country}.mortality.form: {m['form']!r} is not allowed "
                         f"(qx_table | gompertz)")
    return CountryTables(country, c["label"], (*keys, m["source"], "Klop2015"), mids, women * per_year,
                         men * per_year, **kw)


def country_label(country: str) -> str:
    return _raw()["countries"][check_country(country)]["label"]


def country_citations(country: str) -> tuple[str, ...]:
    """Citation keys of the country's tables (Fracture2026's own for "norway")."""
    tables = country_tables(country)
    if tables is None:
        return FRACTURE2026.cited_keys()
    return tables.citation_keys
