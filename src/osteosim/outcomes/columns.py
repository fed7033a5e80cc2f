"""Every output column, declared once: name (or per-site / per-kind pattern), unit, description, plot group.

Three tables carry osteosim's outputs:

* ``timeseries`` -- a :class:`~osteosim.simulation.Simulation` result (``timeseries.csv``): time,
  densitometry per site, turnover markers, the model's states and outputs; with ``--ensemble``
  the 5/50/95 % bands of the banded columns (``<column>_p05`` ...);
* ``visits`` -- a trial's ``patients.parquet``: one row per patient, arm and visit;
* ``events`` -- a trial's ``events.parquet``: one row per patient and arm;
* ``visit_draws`` and ``event_draws`` -- a trial's parameter draws (``uncertainty:`` in the trial
  file, trials/uncertainty.py): the endpoint columns of ``visits`` and ``events`` again, once per
  parameter draw, with the draw's number (``parameter_draws/*.parquet``).

A column family that repeats over an axis is declared once with a pattern
(``Column("bmd_{site}", per="site", ...)``); producers build names with :meth:`Column.name`
and consumers find a name's declaration with :func:`resolve` (never by parsing it).  The
axes are the skeletal sites (:mod:`osteosim.physiology.sites`), the fracture kinds of the
model (:data:`osteosim.outcomes.fracture.KINDS`) and of the trial endpoints
(:data:`~osteosim.outcomes.fracture.ENDPOINT_KINDS`), and, for models of the zoo that are
not declared here column by column, the model's own ``state_names`` and ``outputs``.

Adding an output: one :class:`Column` row below (in the table and plot group it belongs to)
and the line of the producer that computes it with ``COLUMN.name(...)``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..models.osteosim import GLOBAL_STATES, SITE_STATES
from ..physiology.sites import SITES
from .fracture import ENDPOINT_KINDS, KINDS

__all__ = ["Column", "Resolved", "AXES", "TABLES", "PLOT_GROUPS", "BAND_QUANTILES", "band_name", "band_names",
           "declared", "lookup", "check_table", "resolve", "base_name", "ordered", "model_columns", "catalog",
           "TIMESERIES", "VISITS", "EVENTS", "CTX", "P1NP", "MARROW_FAT", "BAND", "markdown_table",
           "OSTEOSIM_STATES", "OSTEOSIM_OUTPUTS", "MODEL_STATE", "MODEL_OUTPUT",
           "BMD", "TSCORE", "ZSCORE", "STRENGTH", "FRACTURE_STRENGTH", "REMODELING_SPACE", "T_YEARS", "T_DAYS", "AGE",
           "VISIT_PATIENT", "VISIT_ARM", "MONTH", "VISIT_AGE", "VISIT_BMD", "VISIT_BMD_TRUE", "VISIT_TSCORE",
           "BMD_PCT_CHANGE", "VISIT_STRENGTH", "STRENGTH_PCT_CHANGE",
           "VISIT_FRACTURE_STRENGTH", "FRACTURE_STRENGTH_PCT_CHANGE", "FRACTURES", "ALIVE", "VISIT_SOLVER_OK",
           "EVENT_PATIENT", "EVENT_ARM", "EVENT_AGE", "SEX", "BMI", "RISK_FLAGS", "BASELINE_TSCORE", "TIME_TO",
           "N_FRACTURES", "DEATH_TIME", "EVENT_SOLVER_OK", "DRAW", "VISIT_DRAWS", "EVENT_DRAWS", "EXTENDS"]

#: the axes a column family repeats over (the model-dependent ones, "state" and "output", come from a model)
AXES: dict[str, tuple[str, ...]] = {"site": SITES, "kind": KINDS, "endpoint": ENDPOINT_KINDS}
TABLES = ("timeseries", "visits", "events", "visit_draws", "event_draws")
#: tables that repeat columns of another per parameter draw: table -> the table that declares those columns
EXTENDS = {"visit_draws": "visits", "event_draws": "events"}

#: plot groups of the timeseries, in the order the patient figure draws them (title, y label, scale);
#: ``other`` columns are drawn only when asked for by name
PLOT_GROUPS: dict[str, tuple[str, str, str]] = {
    "time": ("", "", "raw"),
    "bmd": ("Bone mineral density", "BMD (g/cm²)", "raw"),
    "tscore": ("T-score (WHO bands)", "T-score (SD)", "raw"),
    "zscore": ("Z-score", "Z-score (SD)", "raw"),
    "markers": ("Turnover markers", "% of baseline", "pct_baseline"),
    "osteoblast_lineage": ("Osteoblast lineage", "% of baseline", "pct_baseline"),
    "osteoclast_lineage": ("Osteoclast lineage", "% of baseline", "pct_baseline"),
    "marrow_fat": ("Marrow fat", "marrow fat (% of marrow)", "percent"),
    "hormones": ("Hormones and systemic signals", "% of baseline", "pct_baseline"),
    "local_signals": ("Local signals", "% of baseline", "pct_baseline"),
    "strength": ("Strength index", "strength (relative)", "raw"),
    "other": ("", "", "raw"),
    "trial": ("", "", "raw"),
}

#: ensemble percentiles, in column order: ``<column>_p05``, ``<column>_p50``, ``<column>_p95``
BAND_QUANTILES = ("p05", "p50", "p95")


@dataclass(frozen=True)
class Column:
    """One output column, or a family of them over an axis (``per``)."""

    #: the name, or its pattern with one ``{site}`` / ``{kind}`` / ``{endpoint}`` / ``{state}`` / ``{output}`` field
    pattern: str
    unit: str
    description: str
    #: plot group (a key of PLOT_GROUPS)
    group: str = "other"
    #: the axis the family repeats over (a key of AXES, "state" or "output"); None: one column
    per: str | None = None
    #: the table that carries it (TABLES)
    table: str = "timeseries"
    #: ensembles add its 5/50/95 % band columns
    banded: bool = False
    #: who computes it (for the docs)
    source: str = "outcomes"

    @property
    def stem(self) -> str:
        """The pattern without its axis field ("bmd" for ``bmd_{site}``); the name of a single column."""
        if self.per is None:
            return self.pattern
        field = "{" + self.per + "}"
        return self.pattern.replace("_" + field, "").replace(field + "_", "").replace(field, "")

    def name(self, key: str | None = None) -> str:
        """The column's name; ``key`` is the site (kind, ...) of a family."""
        if self.per is None:
            if key is not None:
                raise ValueError(f"column {self.pattern!r}: takes no {key!r}")
            return self.pattern
        if key is None:
            raise ValueError(f"column {self.pattern!r}: needs a {self.per}")
        if self.per in AXES and key not in AXES[self.per]:
            raise ValueError(f"{self.per}: {key!r} is not allowed for column {self.pattern!r}; "
                             f"allowed: {', '.join(AXES[self.per])}")
        return self.pattern.format(**{self.per: key})

    def names(self, keys: Iterable[str] | None = None) -> tuple[str, ...]:
        """Every name of the family (over its axis, or over ``keys``); one name for a single column."""
        if self.per is None:
            return (self.pattern,)
        if keys is None:
            if self.per not in AXES:
                raise ValueError(f"column {self.pattern!r}: its {self.per} names come from a model (model_columns)")
            keys = AXES[self.per]
        return tuple(self.name(k) for k in keys)

    def to_dict(self) -> dict[str, Any]:
        out = {"pattern": self.pattern, "per": self.per, "unit": self.unit, "description": self.description,
               "group": self.group, "table": self.table, "banded": self.banded, "source": self.source}
        if self.per is None or self.per in AXES:
            out["names"] = list(self.names())
        return out


def _site(pattern, unit, description, group="other", **kw) -> Column:
    return Column(pattern, unit, description, group, per="site", **kw)


# ----------------------------------------------------------------------------------------------
# timeseries: time and the outcomes of a patient run (osteosim.outcomes.patient_run)
T_YEARS = Column("t_years", "year", "time since the start of the run", "time", source="simulation")
AGE = Column("age", "year", "the patient's age", "time", source="simulation")
T_DAYS = Column("t_days", "day", "time since the start of the run (models without a patient)", "time",
                source="simulation")
BMD = _site("bmd_{site}", "g/cm^2", "areal bone mineral density (DXA region of the site)", "bmd", banded=True)
TSCORE = _site("tscore_{site}", "SD", "T-score against the site's young-adult reference (physiology.sites)",
               "tscore", banded=True)
ZSCORE = _site("zscore_{site}", "SD", "Z-score against the simulated reference person of the same sex and age",
               "zscore")
CTX = Column("ctx", "% of baseline", "serum CTX: skeleton-wide resorption, turnover-weighted over the sites", "markers")
P1NP = Column("p1np", "% of baseline", "serum P1NP: skeleton-wide formation, turnover-weighted over the sites",
              "markers")
MARROW_FAT = Column("marrow_fat_fraction", "1", "marrow adipocyte fraction of the lumbar spine", "marrow_fat")
STRENGTH = _site("strength_{site}", "1", "bone strength relative to the young-adult peak: BV^b_site mineral^q "
                 "(Morgan 2003 site exponents, Currey 1988 mineral effect; outcomes.strength); comparable with QCT "
                 "finite-element strength, which does not resolve resorption cavities", "strength")
FRACTURE_STRENGTH = _site("fracture_strength_{site}", "1", "strength with the resorption-cavity stress riser: "
                          "strength_<site> x (1 - c rs/bv) / (1 - c rs0) (micro-FE, PMC3423528; "
                          "outcomes.strength.fracture_strength); 1 at the young-adult peak", "strength")
REMODELING_SPACE = _site("remodeling_space_{site}", "% of bone volume", "remodeling space: bone resorbed but not "
                         "yet refilled, per bone volume present (100 rs/bv; outcomes.strength)")

#: what each state of the Osteosim model is (unit, description, plot group); the names and their order
#: are the model's own (models.osteosim SITE_STATES per site, then GLOBAL_STATES)
_STATE_DOCS: dict[str, tuple[str, str, str]] = {
    "obp": ("pM", "osteoblast precursors (state)", "osteoblast_lineage"),
    "oba": ("pM", "active osteoblasts (state)", "osteoblast_lineage"),
    "oca": ("pM", "active osteoclasts (state)", "osteoclast_lineage"),
    "bv": ("1", "bone volume relative to the young-adult peak (state)", "other"),
    "mineral": ("1", "mean mineral content relative to the young-adult peak (state)", "other"),
    "fat": ("1", "marrow adipocyte fraction (state)", "other"),
    "rs": ("1", "remodeling space: bone resorbed, not yet refilled, relative to the young-adult bone volume (state)",
           "other"),
    "bvc": ("1", "cancellous bone volume relative to its young-adult value (state; the cortical rest follows from bv)",
            "other"),
    "minc": ("1", "cancellous mean mineral content relative to the young-adult peak (state)", "other"),
    "conn": ("1", "connected cancellous struts relative to the young adult: lost for good to perforation (state)",
             "other"),
    "msc": ("1", "marrow MSC (osteoprogenitor) pool relative to age 25 (state)", "osteoblast_lineage"),
    "ocp": ("1", "osteoclast precursor pool relative to age 25 (state)", "osteoclast_lineage"),
    "den_central": ("ng", "denosumab in the central compartment (state)", "other"),
    "reserve": ("1", "anabolic reserve of the PTH-analogue response (state)", "other"),
}


def _state_columns() -> tuple[Column, ...]:
    undocumented = [s for s in (*SITE_STATES, *GLOBAL_STATES) if s not in _STATE_DOCS]
    if undocumented:
        raise ValueError(f"Osteosim state(s) {', '.join(undocumented)} have no column declaration in _STATE_DOCS")
    return (*(_site(f"{stem}_{{site}}", *_STATE_DOCS[stem], source="Osteosim state") for stem in SITE_STATES),
            *(Column(stem, *_STATE_DOCS[stem], source="Osteosim state") for stem in GLOBAL_STATES))


#: the Osteosim model's states, named after the model's state list
OSTEOSIM_STATES: tuple[Column, ...] = _state_columns()

#: the Osteosim model's outputs (Osteosim.outputs)
OSTEOSIM_OUTPUTS: tuple[Column, ...] = tuple(
    Column(pattern, unit, description, group, per="site" if "{site}" in pattern else None, source="Osteosim output")
    for pattern, unit, description, group in (
        ("estrogen", "1", "serum estrogen relative to premenopausal", "hormones"),
        ("pth", "pM", "serum PTH", "hormones"),
        ("pmo_rankl", "1", "postmenopausal RANKL transient", "hormones"),
        ("msc_pool", "1", "marrow MSC pool (as the state msc)", "osteoblast_lineage"),
        ("osteoclast_precursors", "1", "osteoclast precursor pool (as the state ocp)", "osteoclast_lineage"),
        ("denosumab_ng_per_ml", "ng/mL", "serum denosumab", "other"),
        ("bisphosphonate_bound_mg", "mg", "bisphosphonate bound to bone", "other"),
        ("romosozumab_mg_per_l", "mg/L", "serum romosozumab", "other"),
        ("pth_analogue_ug_per_day", "ug/day", "PTH-analogue dose rate", "hormones"),
        ("free_sclerostin_fraction", "1", "sclerostin not bound by romosozumab", "hormones"),
        ("bisphosphonate_oc_apoptosis_gain", "1", "bisphosphonate gain of osteoclast apoptosis", "other"),
        ("pth_anabolic_effect", "1", "anabolic effect of intermittent PTH analogue", "hormones"),
        ("msc_graft_lung_cells", "cells", "grafted MSCs trapped in the lungs", "osteoblast_lineage"),
        ("msc_immunosuppression", "1", "suppressed fraction of the estrogen-deficiency drive (MSC immunomodulation)", "osteoblast_lineage"),
        ("anabolic_reserve", "1", "anabolic reserve (as the state reserve)", "other"),
        ("rankl_{site}", "pM", "free RANKL", "local_signals"),
        ("opg_{site}", "pM", "OPG", "local_signals"),
        ("tgfb_{site}", "pM", "active TGF-beta", "local_signals"),
        ("sclerostin_{site}", "1", "sclerostin relative to the young adult", "local_signals"),
        ("mech_stimulus_{site}", "1", "mechanical stimulus", "local_signals"),
        ("commitment_{site}", "1", "osteogenic commitment of marrow MSCs", "other"),
        ("modeling_formation_{site}", "1/year", "modeling-based formation by anabolic drugs (young-adult bone volume per year)", "other"),
        ("msc_graft_marrow_cells_{site}", "cells", "grafted MSCs resident in the site's marrow", "osteoblast_lineage"),
        ("msc_graft_osteogenic_supply_{site}", "1", "osteoprogenitor supply from the graft", "osteoblast_lineage"),
        ("msc_paracrine_{site}", "1", "paracrine effect of the graft", "osteoblast_lineage"),
    )
)

#: any other model of the zoo: its states and outputs, named by the model
MODEL_STATE = Column("{state}", "model unit (osteosim params MODEL)", "a state of the model (Model.state_names)",
                     per="state", source="model state")
MODEL_OUTPUT = Column("{output}", "model unit", "an output of the model (Model.outputs)", per="output",
                      source="model output")

#: ensemble bands of the banded columns
BAND = Column("{column}_{quantile}", "as the column", "5, 50 or 95 % percentile over the ensemble's parameter draws",
              per="band", source="outcomes.ensemble")

TIMESERIES: tuple[Column, ...] = (T_YEARS, AGE, T_DAYS, BMD, TSCORE, ZSCORE, CTX, P1NP, MARROW_FAT, STRENGTH,
                                  FRACTURE_STRENGTH, REMODELING_SPACE, *OSTEOSIM_STATES, *OSTEOSIM_OUTPUTS)

# ----------------------------------------------------------------------------------------------
# trials: patients.parquet (visits) and events.parquet (osteosim.trials.runner)
_T = dict(source="trials.runner", group="trial")
VISIT_PATIENT = Column("patient", "1", "patient index within the arm (the same patient in every arm)", table="visits",
                       **_T)
VISIT_ARM = Column("arm", "", "arm name", table="visits", **_T)
MONTH = Column("month", "month", "visit month since randomisation (0: baseline)", table="visits", **_T)
VISIT_AGE = Column("age", "year", "age at the visit", table="visits", **_T)
VISIT_BMD = _site("bmd_{site}", "g/cm^2", "BMD as a densitometer reads it (with the scan's precision error)",
                  table="visits", **_T)
VISIT_BMD_TRUE = _site("bmd_true_{site}", "g/cm^2", "simulated BMD (what the fracture hazards use)", table="visits",
                       **_T)
VISIT_TSCORE = _site("tscore_{site}", "SD", "T-score of the measured BMD", table="visits", **_T)
BMD_PCT_CHANGE = _site("bmd_pct_change_{site}", "%", "measured BMD change from the baseline scan", table="visits", **_T)
VISIT_STRENGTH = _site("strength_{site}", "1", "simulated bone strength relative to the young-adult peak "
                       "(outcomes.strength)", table="visits", **_T)
STRENGTH_PCT_CHANGE = _site("strength_pct_change_{site}", "%", "simulated strength change from randomisation",
                            table="visits", **_T)
VISIT_FRACTURE_STRENGTH = _site("fracture_strength_{site}", "1", "simulated fracture strength (strength with the "
                                "resorption-cavity stress riser; what the default fracture hazard reads)",
                                table="visits", **_T)
FRACTURE_STRENGTH_PCT_CHANGE = _site("fracture_strength_pct_change_{site}", "%", "simulated fracture-strength change "
                                     "from randomisation", table="visits", **_T)
FRACTURES = Column("{kind}_fractures", "1", "fractures of the kind since randomisation (cumulative)", per="kind",
                   table="visits", **_T)
ALIVE = Column("alive", "bool", "alive at the visit", table="visits", **_T)
VISIT_SOLVER_OK = Column("solver_ok", "bool", "the patient's solves succeeded", table="visits", **_T)
VISITS: tuple[Column, ...] = (VISIT_PATIENT, VISIT_ARM, MONTH, VISIT_AGE, VISIT_BMD, VISIT_BMD_TRUE, VISIT_TSCORE,
                              BMD_PCT_CHANGE, VISIT_STRENGTH, STRENGTH_PCT_CHANGE, VISIT_FRACTURE_STRENGTH,
                              FRACTURE_STRENGTH_PCT_CHANGE, FRACTURES, ALIVE, VISIT_SOLVER_OK)

EVENT_PATIENT = Column("patient", "1", "patient index within the arm", table="events", **_T)
EVENT_ARM = Column("arm", "", "arm name", table="events", **_T)
EVENT_AGE = Column("age", "year", "age at randomisation", table="events", **_T)
SEX = Column("sex", "", "female or male", table="events", **_T)
BMI = Column("bmi", "kg/m^2", "body-mass index", table="events", **_T)
#: the risk factors of a patient (bool), in column order
RISK_FLAGS: tuple[Column, ...] = tuple(Column(flag, "bool", text, table="events", **_T) for flag, text in (
    ("smoker", "current smoker"), ("family_history", "parental hip fracture"),
    ("glucocorticoids", "oral glucocorticoids"), ("prior_fracture", "prior fragility fracture"),
    ("prevalent_vertebral_fracture", "prevalent vertebral fracture at baseline")))
BASELINE_TSCORE = _site("baseline_tscore_{site}", "SD", "sampled T-score at randomisation", table="events", **_T)
TIME_TO = Column("time_{endpoint}", "year", "time to the first fracture of the endpoint kind (NaN: none)",
                 per="endpoint", table="events", **_T)
N_FRACTURES = Column("n_{kind}", "1", "number of fractures of the kind", per="kind", table="events", **_T)
DEATH_TIME = Column("death_time", "year", "time of death (NaN: alive at the end)", table="events", **_T)
EVENT_SOLVER_OK = Column("solver_ok", "bool", "the patient's solves succeeded", table="events", **_T)
EVENTS: tuple[Column, ...] = (EVENT_PATIENT, EVENT_ARM, EVENT_AGE, SEX, BMI, *RISK_FLAGS, BASELINE_TSCORE, TIME_TO,
                              N_FRACTURES, DEATH_TIME, EVENT_SOLVER_OK)

# trials with parameter draws (osteosim.trials.uncertainty): per draw, the columns the endpoints read
DRAW = Column("draw", "1", "parameter draw (1..K; the nominal trial, draw 0, is patients.parquet and events.parquet)",
              table="visit_draws", source="trials.runner", group="trial")
VISIT_DRAWS: tuple[Column, ...] = (DRAW, VISIT_PATIENT, VISIT_ARM, MONTH, BMD_PCT_CHANGE, STRENGTH_PCT_CHANGE,
                                   FRACTURE_STRENGTH_PCT_CHANGE, ALIVE, VISIT_SOLVER_OK)
EVENT_DRAWS: tuple[Column, ...] = (DRAW, EVENT_PATIENT, EVENT_ARM, TIME_TO, N_FRACTURES, DEATH_TIME, EVENT_SOLVER_OK)

_ALL = {"timeseries": TIMESERIES, "visits": VISITS, "events": EVENTS, "visit_draws": VISIT_DRAWS,
        "event_draws": EVENT_DRAWS}


class Resolved(NamedTuple):
    """What a column name is: its declaration, the axis key (site, kind...), and for ensemble bands
    the column it is the band of and the quantile."""

    column: Column
    key: str | None
    base: str
    quantile: str | None = None


def band_name(column: str, quantile: str) -> str:
    """``<column>_<quantile>``: an ensemble band column (quantile one of BAND_QUANTILES)."""
    if quantile not in BAND_QUANTILES:
        raise ValueError(f"quantile: {quantile!r} is not allowed; allowed: {', '.join(BAND_QUANTILES)}")
    return BAND.pattern.format(column=column, quantile=quantile)


def band_names() -> tuple[str, ...]:
    """The columns that get ensemble bands (BMD and T-score), site by site."""
    banded = [c for c in TIMESERIES if c.banded]
    return tuple(c.name(s) if c.per == "site" else c.name() for s in SITES for c in banded
                 if c.per == "site" or s == SITES[0])


def _index(table: str) -> dict[str, Resolved]:
    out: dict[str, Resolved] = {}
    for col in _ALL[table]:
        if col.per is not None and col.per not in AXES:
            continue
        for key in (AXES[col.per] if col.per else (None,)):
            name = col.name(key)
            out.setdefault(name, Resolved(col, key, name))
            if col.banded:
                for q in BAND_QUANTILES:
                    out.setdefault(band_name(name, q), Resolved(BAND, key, name, q))
    return out


_INDEX = {t: _index(t) for t in TABLES}


def declared(table: str = "timeseries") -> dict[str, Resolved]:
    """Every fixed column name of ``table`` (ensemble bands included) -> its declaration."""
    if table not in _INDEX:
        raise ValueError(f"table: {table!r} is not allowed; allowed: {', '.join(TABLES)}")
    return dict(_INDEX[table])


def model_columns(model: Any, output_names: Iterable[str] = ()) -> dict[str, Resolved]:
    """The state and output columns of ``model`` (a Model) not declared above: MODEL_STATE / MODEL_OUTPUT."""
    fixed = _INDEX["timeseries"]
    out = {}
    for name in (model.state_names if model is not None else ()):
        if name not in fixed:
            out[name] = Resolved(MODEL_STATE, name, name)
    for name in output_names:
        if name not in fixed and name not in out:
            out[name] = Resolved(MODEL_OUTPUT, name, name)
    return out


def lookup(name: str, table: str = "timeseries") -> Resolved | None:
    """The declaration of a fixed column name (None if ``name`` is not declared in ``table``)."""
    if table not in _INDEX:
        raise ValueError(f"table: {table!r} is not allowed; allowed: {', '.join(TABLES)}")
    return _INDEX[table].get(name)


def resolve(name: str, model: Any = None, table: str = "timeseries") -> Resolved | None:
    """:func:`lookup`, then a state of ``model`` (MODEL_STATE); None when neither declares ``name``."""
    hit = lookup(name, table)
    if hit is None and model is not None and name in model.state_names:
        hit = Resolved(MODEL_STATE, name, name)
    return hit


def base_name(name: str) -> str:
    """The column an ensemble band belongs to (the name itself for any other column)."""
    hit = _INDEX["timeseries"].get(name)
    return hit.base if hit is not None else name


def ordered(names: Sequence[str], table: str = "timeseries") -> list[str]:
    """``names`` with the time columns first (in declaration order: t_years, age, t_days), the rest as given."""
    lead = [n for col in _ALL[table] if col.group == "time" for n in col.names() if n in names]
    return lead + [n for n in names if n not in lead]


def check_table(names: Iterable[str], table: str) -> None:
    """Raise if a column of ``table`` about to be written is not declared (a writer's guard)."""
    undeclared = [n for n in names if lookup(n, table) is None]
    if undeclared:
        raise ValueError(f"{table}: column(s) {', '.join(undeclared)} not declared in osteosim.outcomes.columns")


def catalog() -> dict[str, Any]:
    """The declarations as plain data (the web API's GET /api/columns, the docs table)."""
    return {
        "axes": {k: list(v) for k, v in AXES.items()},
        "band_quantiles": list(BAND_QUANTILES),
        "plot_groups": {k: {"title": t, "ylabel": y, "scale": s} for k, (t, y, s) in PLOT_GROUPS.items()},
        "tables": {t: [c.to_dict() for c in cols] for t, cols in _ALL.items()},
        "model_columns": [MODEL_STATE.to_dict(), MODEL_OUTPUT.to_dict()],
        "band": BAND.to_dict(),
    }


def markdown_table() -> str:
    """The declarations as Markdown tables, one per table (docs/model.md, generated)."""
    lines = []
    titles = {"timeseries": "`timeseries.csv` (osteosim simulate)", "visits": "`patients.parquet` (osteosim trial)",
              "events": "`events.parquet` (osteosim trial)",
              "visit_draws": "`parameter_draws/visits.parquet` (osteosim trial --parameter-draws)",
              "event_draws": "`parameter_draws/events.parquet` (osteosim trial --parameter-draws)"}
    axes = {k: ", ".join(v) for k, v in AXES.items()}
    for table, cols in _ALL.items():
        lines += [f"\n### {titles[table]}\n", "| column | unit | description | plot group | from |",
                  "|---|---|---|---|---|"]
        extra = [] if table != "timeseries" else [MODEL_STATE, MODEL_OUTPUT, BAND]
        for c in (*cols, *extra):
            where = f" ({c.per}: {axes[c.per]})" if c.per in axes else ""
            if c is BAND:
                where = " (banded columns: " + ", ".join(f"`{p.pattern}`" for p in cols if p.banded) + \
                        "; quantile: " + ", ".join(BAND_QUANTILES) + ")"
            group = c.group if table == "timeseries" else ""
            lines.append(f"| `{c.pattern}`{where} | {c.unit} | {c.description} | {group} | {c.source} |")
    return "\n".join(lines) + "\n"


def _check(tables: Mapping[str, Sequence[Column]]) -> None:
    for t, cols in tables.items():
        for c in cols:
            if c.group not in PLOT_GROUPS:
                raise ValueError(f"column {c.pattern!r}: plot group {c.group!r} is not one of {', '.join(PLOT_GROUPS)}")
            # a draw table repeats columns its base table declares; DRAW is declared once for both
            if c.table != t and c.table != EXTENDS.get(t) and not (c is DRAW and t in EXTENDS):
                raise ValueError(f"column {c.pattern!r}: declared under {t} but says table {c.table!r}")


_check(_ALL)
