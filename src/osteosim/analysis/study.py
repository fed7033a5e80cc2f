"""The durability study: are stem cells more lasting than drugs?  (``osteosim study FILE --out DIR``)

For one virtual woman (the study file's patient) each regimen is run over the study's span with a
parameter-uncertainty ensemble (:func:`osteosim.outcomes.ensemble.run_ensemble`: the nominal run plus
``draws`` Latin-hypercube draws of the uncertain parameters, 5/50/95 % bands of BMD and T-score per site).
From each run:

* BMD change (%, band) and strength change (%, nominal run: the ensemble bands BMD and T-scores only)
  per site over time;
* expected fractures per 1,000 women over the span and the fractures prevented against the reference
  regimen (:func:`.durability.expected_fractures`; the band runs the hazard along the 5th and 95th
  percentile T-score courses);
* how long the spine BMD gain over the reference lasts after the last dose (:func:`.durability.benefit_duration`;
  its band from the 5th and 95th percentile BMD courses);
* which parameters most move the gap between the best MSC regimen and the best drug regimen: a
  :class:`~osteosim.analysis.sensitivity.Sensitivity` of ``bmd_pct_change(site, years)`` with ``versus``
  the drug (each draw runs both regimens for the same parameter values).

::

    from osteosim.analysis.study import load_study, run_study
    res = run_study(load_study("examples/studies/durability.yaml"))
    res.table          # one row per regimen (the headline table)
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import citations
from ..outcomes.columns import AGE, BMD, STRENGTH, T_YEARS, band_name
from ..outcomes.ensemble import run_ensemble
from ..physiology.patient import SITES
from ..simulation import Simulation
from ..therapies.regimen import parse_regimen
from .durability import benefit_duration, expected_fractures, last_dose_years
from .study_spec import StudyError, StudySpec

__all__ = ["StudyResult", "load_study", "run_study", "regimen_kind", "draw_cohort", "KINDS"]

#: what a regimen gives: nothing, cells only, drugs only, or both
KINDS = ("none", "msc", "drug", "msc + drug")
#: the fracture kinds the table reports prevented counts for
_TABLE_KINDS = ("any", "vertebral", "hip")


@dataclass
class StudyResult:
    """table: one row per regimen (headline); curves: one row per regimen, time and site; sensitivity: the
    fitted :class:`~osteosim.analysis.sensitivity.Sensitivity` (None when not asked or not comparable); summary."""

    spec: StudySpec
    table: pd.DataFrame
    curves: pd.DataFrame
    sensitivity: object | None
    summary: dict

    def files(self) -> dict[str, bytes]:
        """The run's files, rendered in memory: headline.csv, table.csv (every column), curves.csv,
        summary.json, indices.csv (when a sensitivity ran), the figures and report.html."""
        import json

        from ..io_utils import to_jsonable
        from ..report.durability import (FIGURES, headline, plot_course, plot_durability, plot_fractures_prevented,
                                          render_study_report)
        from ..report.style import figure_png_bytes

        sites = (self.spec.site, "total_hip") if self.spec.site != "total_hip" else ("total_hip", "femoral_neck")
        msc = tuple(self.table.loc[self.table["kind"] == "msc", "regimen"])
        figs = {"bmd_strength.png": plot_course(self.curves, sites, self.spec.reference, msc),
                "fractures_prevented.png": plot_fractures_prevented(self.table),
                "durability.png": plot_durability(self.table)}
        indices = getattr(self.sensitivity, "indices_", None)
        out = {"headline.csv": headline(self.table, self.spec.site).to_csv(index=False).encode(),
               "table.csv": self.table.to_csv(index=False, float_format="%.6g").encode(),
               "curves.csv": self.curves.to_csv(index=False, float_format="%.6g").encode(),
               "summary.json": (json.dumps(to_jsonable(self.summary), indent=2) + "\n").encode()}
        if indices is not None:
            out["indices.csv"] = indices.to_csv(index=False, float_format="%.6g").encode()
        out.update({name: figure_png_bytes(fig, dpi=90) for name, fig in figs.items()})
        out["report.html"] = render_study_report(self.table, to_jsonable(self.summary), FIGURES, indices).encode()
        return out

    def write(self, out_dir: str | Path) -> Path:
        """Write :meth:`files` into ``out_dir`` (all or nothing: a temporary folder renamed at the end)."""
        from ..io_utils import atomic_output_dir

        files = self.files()
        out = Path(out_dir)
        with atomic_output_dir(out) as tmp:
            for name, data in files.items():
                (Path(tmp) / name).write_bytes(data)
        return out


def load_study(path: str | Path) -> StudySpec:
    """Read and check a study file (YAML)."""
    from ..validation import parse_yaml

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(2, "No such file", str(p))
    return StudySpec.from_mapping(parse_yaml(p.read_text(encoding="utf-8"), source=str(p), error=StudyError))


def regimen_kind(lines: list[str]) -> str:
    """One of :data:`KINDS`."""
    prs = list(parse_regimen(lines))
    msc = any(pr.is_msc for pr in prs)
    drug = any(not pr.is_msc for pr in prs)
    return KINDS[int(msc) + 2 * int(drug)]


def _pct(a: np.ndarray, base: float) -> np.ndarray:
    return 100.0 * (np.asarray(a, float) / base - 1.0)


def _curves(name: str, ts: pd.DataFrame) -> pd.DataFrame:
    """Long table: regimen, t_years, age, site, BMD % change (nominal, p05, p50, p95), strength % change."""
    t = ts[T_YEARS.name()].to_numpy(float)
    rows = []
    for site in SITES:
        bmd = BMD.name(site)
        base = float(ts[bmd].iloc[0])
        d = {"regimen": name, "t_years": t, "age": ts[AGE.name()].to_numpy(float), "site": site,
             "bmd_pct": _pct(ts[bmd], base)}
        for q in ("p05", "p50", "p95"):
            d[f"bmd_pct_{q}"] = _pct(ts[band_name(bmd, q)], base)
        strength = STRENGTH.name(site)
        d["strength_pct"] = _pct(ts[strength], float(ts[strength].iloc[0])) if strength in ts else np.nan
        rows.append(pd.DataFrame(d))
    return pd.concat(rows, ignore_index=True)


def _at_end(curves: pd.DataFrame, name: str, site: str, col: str) -> float:
    c = curves[(curves["regimen"] == name) & (curves["site"] == site)]
    return float(c[col].iloc[-1])


def _gain(curves: pd.DataFrame, name: str, reference: str, site: str, col: str) -> tuple[np.ndarray, np.ndarray]:
    """(t, regimen's ``col`` minus the reference's nominal BMD change at ``site``), percentage points."""
    c = curves[(curves["regimen"] == name) & (curves["site"] == site)]
    r = curves[(curves["regimen"] == reference) & (curves["site"] == site)]
    return c["t_years"].to_numpy(), c[col].to_numpy() - r["bmd_pct"].to_numpy()


def run_study(spec: StudySpec, progress: Callable[[str], None] | None = None) -> StudyResult:
    """Run every regimen of the study (with its ensemble), then the sensitivity of the MSC-vs-drug gap."""
    t_start = time.perf_counter()
    say = progress or (lambda _msg: None)
    runs, seconds, ensembles = {}, {}, {}
    for i, (name, lines) in enumerate(spec.regimens.items()):
        say(f"regimen {i + 1}/{len(spec.regimens)}: {name} ({spec.draws} draws)")
        t0 = time.perf_counter()
        res = run_ensemble(Simulation(spec.patient, regimen=lines, years=spec.years), spec.draws, spec.seed)
        seconds[name] = time.perf_counter() - t0
        runs[name] = res.timeseries
        ensembles[name] = {k: res.summary["ensemble"][k] for k in ("draws", "failed_draws", "seed")}
        ensembles[name]["parameters"] = [p["name"] for p in res.summary["ensemble"]["parameters"]]
    curves = pd.concat([_curves(n, ts) for n, ts in runs.items()], ignore_index=True)
    table = _table(spec, runs, curves)
    cohort = _cohort_variability(spec, table, say)
    sens, sens_summary = _sensitivity(spec, table, say)
    summary = {
        "name": spec.name,
        "patient": spec.patient_fields,
        "years": spec.years,
        "draws": spec.draws,
        "seed": spec.seed,
        "reference": spec.reference,
        "site": spec.site,
        "durability_rule": {"fraction_of_peak": spec.fraction, "floor_pp": spec.floor_pp},
        "regimens": spec.regimens,
        "ensembles": ensembles,
        "sensitivity": sens_summary,
        "cohort": cohort,
        "seconds": {"regimens": seconds, "total": time.perf_counter() - t_start},
        "citations": citations.references(_citation_keys(spec)),
    }
    return StudyResult(spec, table, curves, sens, summary)


def _citation_keys(spec: StudySpec) -> tuple[str, ...]:
    from ..outcomes.fracture import CITATION_KEYS

    keys = ["osteosim", *CITATION_KEYS]
    for lines in spec.regimens.values():
        keys.extend(parse_regimen(lines).citation_keys())
    return tuple(dict.fromkeys(keys))


def _table(spec: StudySpec, runs: dict[str, pd.DataFrame], curves: pd.DataFrame) -> pd.DataFrame:
    ref = spec.reference
    site = spec.site
    ref_fx = expected_fractures(spec.patient, runs[ref])
    rows = []
    for name, lines in spec.regimens.items():
        ts = runs[name]
        fx = expected_fractures(spec.patient, ts)
        fx_lo = expected_fractures(spec.patient, ts, suffix="_p05")  # lower BMD: more fractures
        fx_hi = expected_fractures(spec.patient, ts, suffix="_p95")
        last = last_dose_years(lines, spec.years) if lines else math.nan
        row = {"regimen": name, "kind": regimen_kind(lines), "last_dose_year": last}
        for s in (site, "total_hip"):
            row[f"bmd_pct_{s}"] = _at_end(curves, name, s, "bmd_pct")
            row[f"bmd_pct_{s}_p05"] = _at_end(curves, name, s, "bmd_pct_p05")
            row[f"bmd_pct_{s}_p95"] = _at_end(curves, name, s, "bmd_pct_p95")
            row[f"strength_pct_{s}"] = _at_end(curves, name, s, "strength_pct")
        row["fractures_per_1000"] = fx["any"]
        for k in _TABLE_KINDS:
            row[f"prevented_{k}"] = ref_fx[k] - fx[k]
        row["prevented_any_p05"] = ref_fx["any"] - fx_lo["any"]
        row["prevented_any_p95"] = ref_fx["any"] - fx_hi["any"]
        if name == ref or not lines:
            row.update(peak_gain_pp=0.0, peak_year=math.nan, durability_years=math.nan, durability_censored=False,
                       durability_no_benefit=True, durability_label="reference" if name == ref else "no treatment",
                       durability_p05=math.nan, durability_p95=math.nan, gain_halflife_years=math.nan,
                       gain_halflife_censored=False)
        else:
            t, g = _gain(curves, name, ref, site, "bmd_pct")
            d = benefit_duration(t, g, last, spec.fraction, spec.floor_pp)
            band = [benefit_duration(*_gain(curves, name, ref, site, f"bmd_pct_{q}"), last, spec.fraction,
                                     spec.floor_pp) for q in ("p05", "p95")]
            row.update(peak_gain_pp=d.peak, peak_year=d.peak_year, durability_years=d.years,
                       durability_censored=d.censored, durability_no_benefit=d.no_benefit,
                       durability_label=d.label(), durability_p05=band[0].years, durability_p95=band[1].years)
            half = benefit_duration(t, g, last, spec.fraction, 0.0)  # whatever the gain's size
            row.update(gain_halflife_years=half.years, gain_halflife_censored=half.censored)
        rows.append(row)
    return pd.DataFrame(rows)


def draw_cohort(spec: StudySpec) -> list:
    """The cohort's women: the study's patient with each ranged field drawn uniformly (seeded, in field order)."""
    from ..physiology.patient import Patient

    c = spec.cohort
    rng = np.random.default_rng(c.seed)
    u = rng.random((c.n, len(c.ranges)))
    base = spec.patient.model_dump()
    return [Patient(**{**base, **{k: lo + u[i, j] * (hi - lo) for j, (k, (lo, hi)) in enumerate(c.ranges.items())}})
            for i in range(c.n)]


def _cohort_variability(spec: StudySpec, table: pd.DataFrame, say) -> dict | None:
    """Patient variability, reported apart from parameter uncertainty: every regimen for each woman of the
    cohort with the nominal parameters; 5/50/95 % over the women of the spine BMD change and of the fractures
    prevented (each woman against her own untreated course).  Adds ``*_women_p05/p50/p95`` columns to ``table``."""
    if spec.cohort is None:
        return None
    women = draw_cohort(spec)
    say(f"patient variability: {len(women)} women x {len(spec.regimens)} regimens (nominal parameters)")
    bmd = {name: [] for name in spec.regimens}
    fx = {name: [] for name in spec.regimens}
    for w in women:
        for name, lines in spec.regimens.items():
            ts = Simulation(w, regimen=lines, years=spec.years).solve().timeseries
            col = BMD.name(spec.site)
            bmd[name].append(float(_pct(ts[col].iloc[-1], float(ts[col].iloc[0]))))
            fx[name].append(expected_fractures(w, ts)["any"])
    ref = np.asarray(fx[spec.reference])
    q = (5.0, 50.0, 95.0)
    for name in spec.regimens:
        i = table.index[table["regimen"] == name][0]
        for label, values in ((f"bmd_pct_{spec.site}_women", np.asarray(bmd[name])),
                              ("prevented_any_women", ref - np.asarray(fx[name]))):
            for p, v in zip(("p05", "p50", "p95"), np.percentile(values, q)):
                table.loc[i, f"{label}_{p}"] = float(v)
    return {"n": len(women), "seed": spec.cohort.seed,
            "ranges": {k: list(v) for k, v in spec.cohort.ranges.items()},
            "women": [{k: getattr(w, k) for k in spec.cohort.ranges} for w in women]}


def _best(table: pd.DataFrame, kind: str) -> str | None:
    t = table[table["kind"] == kind]
    return None if t.empty else str(t.loc[t["prevented_any"].idxmax(), "regimen"])


def _sensitivity(spec: StudySpec, table: pd.DataFrame, say) -> tuple[object | None, dict | None]:
    """Which parameters move the spine BMD gap between the best MSC regimen and the best drug regimen."""
    if spec.sensitivity is None:
        return None, None
    msc, drug = _best(table, "msc"), _best(table, "drug")
    if msc is None or drug is None:
        return None, {"skipped": "the study needs an MSC-only and a drug-only regimen to rank them"}
    from .sensitivity import Sensitivity

    output = f"bmd_pct_change({spec.site}, {spec.years:g})"
    sa = Sensitivity(list(spec.sensitivity.parameters), output=output, method=spec.sensitivity.method,
                     n=spec.sensitivity.n, seed=spec.seed)
    say(f"sensitivity ({spec.sensitivity.method}, {sa.describe_runs(len(spec.sensitivity.parameters))} draws): "
        f"{msc} vs {drug}")
    sa.fit(Simulation(spec.patient, regimen=spec.regimens[msc], years=spec.years), versus=spec.regimens[drug])
    key = "mu_star" if spec.sensitivity.method == "morris" else "ST"
    top = sa.indices_.head(3)
    return sa, {"msc": msc, "drug": drug, "output": f"{output}: {msc} minus {drug} (percentage points)",
                "method": spec.sensitivity.method, "n": spec.sensitivity.n, "runs": sa.summary_["runs"],
                "index": key, "top3": [{"parameter": r["parameter"], key: float(r[key]),
                                        **({"mu": float(r["mu"])} if "mu" in r else {})}
                                       for r in top.to_dict(orient="records")],
                "difference": sa.summary_["output_summary"], "seconds": sa.summary_["seconds"]["total"]}
