"""Figures, conclusions and report.html of the durability study (``osteosim study``).

Reads only the study's tables (:class:`osteosim.analysis.study.StudyResult`: ``table``, one row per
regimen; ``curves``, one row per regimen, time and site; ``summary``), so a saved run renders too.
The conclusions are sentences built from the table's numbers (:func:`conclusions`): nothing in them
is written in advance, and they change when the numbers do.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .style import SITE_LABELS

__all__ = ["plot_course", "plot_fractures_prevented", "plot_durability", "conclusions", "headline",
           "render_study_report", "FIGURES", "SCOPE", "LIMITATIONS"]

#: figure files of a study run: name -> what it shows
FIGURES = {
    "bmd_strength.png": "BMD and strength change per site over time (BMD with the 5-95 % parameter band)",
    "fractures_prevented.png": "fractures prevented per 1,000 women over the span, with the parameter band",
    "durability.png": "how long the spine BMD gain lasts after the last dose",
}

#: what the model can conclude (the report's and the web page's opening of "what the model can and cannot conclude")
SCOPE = ("It can compare regimens within the model: the same woman, the same bone biology and the same fracture "
         "hazard for every arm, so differences come from the regimens and the parameters sampled. It cannot say "
         "whether MSC therapy works in women.")

#: what the model cannot conclude (stated in every report, whatever the numbers)
LIMITATIONS = (
    "Human MSC efficacy is hypothetical: no human trial has reported a BMD or fracture result for MSC therapy in "
    "osteoporosis. The MSC mechanism strengths (engraftment, differentiation, paracrine and immunosuppressive effects) are assumptions "
    "or come from rodent evidence followed for at most 24 weeks, so every MSC year beyond the first half-year is "
    "an extrapolation of priors, not data.",
    "The drug arms are calibrated to 3-year randomised trials (and their extensions); their 10-year courses are "
    "predictions of the model, checked only where extension and discontinuation trials exist.",
    "The bands are parameter uncertainty only, over the parameters the ensemble samples (outcomes/ensemble.py); "
    "they are not patient variability, and calibrated parameters (natural history, drug effect strengths) are "
    "held at their fitted values. Strength is the nominal run's (the ensemble bands BMD and T-scores).",
    "Fractures are the expected count from the fracture model's hazards along the simulated BMD (gradient of "
    "risk per SD): a treatment acts only through the bone it builds; there is no drug-specific effect, no "
    "imminent-risk rise after a fracture, and no adverse effect, cost or access.",
    "One virtual woman: the numbers are for her baseline (age, T-score, risk factors), not for a population.",
)


def _figure(w: float, h: float) -> Figure:
    fig = Figure(figsize=(w, h), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _colors(names: list[str]) -> dict[str, tuple]:
    from matplotlib import colormaps

    cmap = colormaps["tab20"]
    return {n: cmap(i % 20) for i, n in enumerate(names)}


def plot_course(curves: pd.DataFrame, sites: tuple[str, ...] = ("lumbar_spine", "total_hip"),
                reference: str | None = None, small: tuple[str, ...] = ()) -> Figure:
    """BMD (with its 5-95 % band) and strength change (%) over time, one panel per site and quantity; with a
    ``reference``, a third row: the BMD gain over it (percentage points) of the ``small`` regimens (the MSC
    arms, whose effect is too small to see on the first row)."""
    names = list(dict.fromkeys(curves["regimen"]))
    colors = _colors(names)
    rows = 3 if reference is not None and small else 2
    fig = _figure(12.0, 3.75 * rows)
    axes = fig.subplots(rows, len(sites), squeeze=False)
    if rows == 3:
        for j, site in enumerate(sites):
            ref = curves[(curves["regimen"] == reference) & (curves["site"] == site)]
            for name in small:
                c = curves[(curves["regimen"] == name) & (curves["site"] == site)]
                t = c["t_years"].to_numpy()
                base = ref["bmd_pct"].to_numpy()
                axes[2][j].plot(t, c["bmd_pct"].to_numpy() - base, color=colors[name], lw=1.4)
                axes[2][j].fill_between(t, c["bmd_pct_p05"].to_numpy() - base, c["bmd_pct_p95"].to_numpy() - base,
                                        color=colors[name], alpha=0.15, lw=0)
            axes[2][j].set_title(f"BMD gain over {reference}, {SITE_LABELS.get(site, site)}: MSC regimens",
                                 fontsize=10)
            axes[2][j].set_ylabel("percentage points", fontsize=8)
            axes[2][j].axhline(0.0, color="k", lw=0.6)
            axes[2][j].grid(alpha=0.3)
            axes[2][j].set_xlabel("years from the start", fontsize=8)
    for j, site in enumerate(sites):
        for name in names:
            c = curves[(curves["regimen"] == name) & (curves["site"] == site)]
            t = c["t_years"].to_numpy()
            axes[0][j].plot(t, c["bmd_pct"], color=colors[name], lw=1.4, label=name)
            axes[0][j].fill_between(t, c["bmd_pct_p05"], c["bmd_pct_p95"], color=colors[name], alpha=0.15, lw=0)
            axes[1][j].plot(t, c["strength_pct"], color=colors[name], lw=1.4)
        axes[0][j].set_title(f"BMD, {SITE_LABELS.get(site, site)}", fontsize=10)
        axes[1][j].set_title(f"strength, {SITE_LABELS.get(site, site)} (nominal run)", fontsize=10)
        for i, what in enumerate(("BMD", "strength")):
            axes[i][j].axhline(0.0, color="k", lw=0.6)
            axes[i][j].set_ylabel(f"{what} change from baseline (%)", fontsize=8)
            axes[i][j].grid(alpha=0.3)
        axes[1][j].set_xlabel("years from the start", fontsize=8)
    fig.legend(*axes[0][0].get_legend_handles_labels(), loc="outside right center", fontsize=7, frameon=False)
    return fig


def plot_fractures_prevented(table: pd.DataFrame) -> Figure:
    """Horizontal bars: fractures prevented per 1,000 women (all kinds) with the 5-95 % parameter band."""
    t = table[table["kind"] != "none"].iloc[::-1]
    fig = _figure(7.5, max(3.0, 0.38 * len(t) + 1.4))
    ax = fig.add_subplot()
    y = np.arange(len(t))
    lo = np.minimum(t["prevented_any_p05"], t["prevented_any_p95"])
    hi = np.maximum(t["prevented_any_p05"], t["prevented_any_p95"])
    err = np.vstack([np.clip(t["prevented_any"] - lo, 0, None), np.clip(hi - t["prevented_any"], 0, None)])
    colors = ["#9467bd" if k == "msc" else "#8c564b" if k == "msc + drug" else "#1f77b4" for k in t["kind"]]
    ax.barh(y, t["prevented_any"], xerr=err, color=colors, alpha=0.85, error_kw={"lw": 0.8, "capsize": 2})
    ax.set_yticks(y, t["regimen"], fontsize=8)
    ax.axvline(0.0, color="k", lw=0.6)
    ax.set_xlabel("fractures prevented per 1,000 women (all kinds, vs the reference)", fontsize=8)
    ax.set_title("Fractures prevented (purple: MSC, brown: MSC + drug, blue: drug)", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return fig


def plot_durability(table: pd.DataFrame) -> Figure:
    """Horizontal bars: years the spine BMD gain lasts after the last dose; hatched when still lasting at the
    end (a lower bound); 'no benefit' when the gain never reached the floor."""
    t = table[table["kind"] != "none"].iloc[::-1]
    fig = _figure(7.5, max(3.0, 0.38 * len(t) + 1.4))
    ax = fig.add_subplot()
    y = np.arange(len(t))
    years = t["durability_years"].fillna(0.0).to_numpy()
    for yi, v, row in zip(y, years, t.to_dict(orient="records")):
        ax.barh(yi, v, color="#9467bd" if row["kind"] == "msc" else "#1f77b4", alpha=0.85,
                hatch="//" if row["durability_censored"] else None, edgecolor="white")
        lo, hi = (np.nanmin([row["durability_p05"], row["durability_p95"]]),
                  np.nanmax([row["durability_p05"], row["durability_p95"]])) if not all(
            math.isnan(x) for x in (row["durability_p05"], row["durability_p95"])) else (math.nan, math.nan)
        if math.isfinite(lo):
            ax.plot([lo, hi], [yi, yi], color="k", lw=0.8)
        label = row["durability_label"]
        half = row.get("gain_halflife_years", math.nan)
        if row["durability_no_benefit"] and half is not None and math.isfinite(half):
            # a gain below the floor still has a half-life: an outlined bar, so a tiny lasting effect shows
            ax.barh(yi, half, fill=False, edgecolor="#9467bd" if row["kind"] == "msc" else "#1f77b4", lw=1.0)
            label = f"below floor: {row['peak_gain_pp']:.2g} pp gain, halves in {half:.1f} y"
            v = half
        ax.text(v + 0.05, yi, label, va="center", fontsize=7)
    ax.set_yticks(y, t["regimen"], fontsize=8)
    ax.set_xlabel("years after the last dose until the spine BMD gain over the reference falls below half its\n"
                  "peak (or the floor, 1 pp)", fontsize=8)
    ax.set_title("How long the benefit lasts\n(hatched: still lasting at the end; outlined: a gain below the floor, "
                 "its half-life)", fontsize=9)
    finite = [x for x in (*years, *t["gain_halflife_years"].fillna(0.0)) if math.isfinite(x)]
    ax.set_xlim(0.0, 1.9 * max(finite + [1.0]))
    ax.grid(axis="x", alpha=0.3)
    return fig


# -- the headline table and the sentences built from it ---------------------------------------------------------

def headline(table: pd.DataFrame, site: str = "lumbar_spine") -> pd.DataFrame:
    """The headline CSV: one row per regimen, rounded, with bands as 'p05..p95' columns."""
    cols = {"regimen": "regimen", "kind": "kind", "last_dose_year": "last dose (y)",
            f"bmd_pct_{site}": f"BMD {site} (%)", f"bmd_pct_{site}_p05": f"BMD {site} p05",
            f"bmd_pct_{site}_p95": f"BMD {site} p95", "bmd_pct_total_hip": "BMD total_hip (%)",
            f"strength_pct_{site}": f"strength {site} (%)", "strength_pct_total_hip": "strength total_hip (%)",
            "fractures_per_1000": "fractures /1000", "prevented_any": "prevented /1000",
            "prevented_any_p05": "prevented p05", "prevented_any_p95": "prevented p95",
            "prevented_vertebral": "prevented vertebral", "prevented_hip": "prevented hip",
            "peak_gain_pp": "peak gain (pp)", "durability_label": "benefit lasts", "durability_p05": "lasts p05 (y)",
            "durability_p95": "lasts p95 (y)",
            f"bmd_pct_{site}_women_p05": f"BMD {site} women p05", f"bmd_pct_{site}_women_p95": f"BMD {site} women p95",
            "prevented_any_women_p05": "prevented women p05", "prevented_any_women_p95": "prevented women p95", "gain_halflife_years": "gain half-life (y)",
            "gain_halflife_censored": "half-life censored"}
    out = table[[c for c in cols if c in table]].rename(columns=cols)
    return out.round(2)


def _fmt(v: float, spec: str = ".1f") -> str:
    return "n/a" if v is None or not math.isfinite(v) else f"{v:{spec}}"


def _range(values, spec: str = ".1f") -> str:
    v = [float(x) for x in values if math.isfinite(float(x))]
    if not v:
        return "n/a"
    lo, hi = min(v), max(v)
    return _fmt(lo, spec) if f"{lo:{spec}}" == f"{hi:{spec}}" else f"{_fmt(lo, spec)} to {_fmt(hi, spec)}"


def _band(row, lo: str, hi: str) -> str:
    a, b = sorted((row[lo], row[hi]))
    return f"{_fmt(a)} to {_fmt(b)}"


def conclusions(table: pd.DataFrame, summary: dict) -> list[str]:
    """Sentences computed from the study's numbers (the report's 'what the numbers say')."""
    years = summary["years"]
    out: list[str] = []
    t = table[table["kind"] != "none"]
    if t.empty:
        return ["The study has no treated regimen to compare."]
    best = t.loc[t["prevented_any"].idxmax()]
    out.append(f"Over {years:g} years the regimen that prevents the most fractures in this model is {best['regimen']}: "
               f"{_fmt(best['prevented_any'])} per 1,000 women (parameter band {_band(best, 'prevented_any_p05', 'prevented_any_p95')}) "
               f"against {summary['reference']}.")
    cohort = summary.get("cohort")
    if cohort and "prevented_any_women_p05" in t:
        ranges = "; ".join(f"{k} {lo:g} to {hi:g}" for k, (lo, hi) in cohort["ranges"].items())
        out.append(f"Between women ({cohort['n']} drawn with {ranges}; nominal parameters) the fractures {best['regimen']} "
                   f"prevents range {_band(best, 'prevented_any_women_p05', 'prevented_any_women_p95')} per 1,000 "
                   f"(5th to 95th percentile): patient variability, reported apart from the parameter band.")
    msc, drug = t[t["kind"] == "msc"], t[t["kind"] == "drug"]
    if not msc.empty and not drug.empty:
        bm, bd = msc.loc[msc["prevented_any"].idxmax()], drug.loc[drug["prevented_any"].idxmax()]
        m_hi = max(bm["prevented_any_p05"], bm["prevented_any_p95"])
        d_lo = min(bd["prevented_any_p05"], bd["prevented_any_p95"])
        verdict = ("more" if bm["prevented_any"] > bd["prevented_any"] else "fewer")
        overlap = ("the two parameter bands overlap" if m_hi >= d_lo and
                   max(bd["prevented_any_p05"], bd["prevented_any_p95"]) >= min(bm["prevented_any_p05"], bm["prevented_any_p95"])
                   else "the two parameter bands do not overlap")
        out.append(f"The best MSC-only regimen, {bm['regimen']}, prevents {_fmt(bm['prevented_any'])} fractures per 1,000 "
                   f"(band {_band(bm, 'prevented_any_p05', 'prevented_any_p95')}), {verdict} than the best drug regimen, "
                   f"{bd['regimen']}, with {_fmt(bd['prevented_any'])} (band {_band(bd, 'prevented_any_p05', 'prevented_any_p95')}); "
                   f"{overlap}.")
        none = msc[msc["durability_no_benefit"]]
        if len(none):
            out.append(f"{len(none)} of {len(msc)} MSC-only regimens never raise the spine BMD by "
                       f"{summary['durability_rule']['floor_pp']:g} percentage point(s) over no treatment "
                       f"({', '.join(none['regimen'])}).")
        out.extend(_durability_sentences(msc, drug, years))
    combo = t[t["kind"] == "msc + drug"]
    for _, row in combo.iterrows():
        drug_alone = _drug_part(row["regimen"], summary, table)
        if drug_alone is not None:
            diff = row["prevented_any"] - drug_alone["prevented_any"]
            out.append(f"Adding MSCs to {drug_alone['regimen']} ({row['regimen']}) changes the fractures prevented by "
                       f"{_fmt(diff, '+.1f')} per 1,000.")
    sens = summary.get("sensitivity") or {}
    if sens.get("top3"):
        names = ", ".join(f"{r['parameter']} ({sens['index']} {_fmt(r[sens['index']], '.2g')} pp)" for r in sens["top3"])
        out.append(f"The spine BMD gap between {sens['msc']} and {sens['drug']} at {years:g} years (mean "
                   f"{_fmt(sens['difference']['mean'], '.2f')} percentage points over the screening runs, range "
                   f"{_fmt(sens['difference']['min'], '.2f')} to {_fmt(sens['difference']['max'], '.2f')}) moves most with "
                   f"{names}.")
        if sens["difference"]["max"] < 0:
            out.append(f"In none of the screening runs does {sens['msc']} reach the spine BMD of {sens['drug']}: within the "
                       "sampled ranges the ranking does not change.")
        elif sens["difference"]["min"] > 0:
            out.append(f"In every screening run {sens['msc']} stays above {sens['drug']}: within the sampled ranges the "
                       "ranking does not change.")
        else:
            out.append(f"The sign of the gap changes within the sampled ranges: the ranking of {sens['msc']} and "
                       f"{sens['drug']} depends on these parameters.")
    return out


def _durability_sentences(msc: pd.DataFrame, drug: pd.DataFrame, years: float) -> list[str]:
    """How long the MSC benefits last after the last dose, against the drug regimens that stop within the run."""
    stopped = drug[drug["last_dose_year"] < years - 1.0]  # at least a year off treatment before the end
    on = drug[drug["last_dose_year"] >= years - 1.0]
    drugs = ("; for the drug regimens stopped within the run the benefit lasts "
             + ", ".join(f"{r['durability_label']} ({r['regimen']}, peak {_fmt(r['peak_gain_pp'])} pp)"
                         for r in stopped.to_dict(orient="records")) if len(stopped) else "")
    m = msc[~msc["durability_no_benefit"]]
    if m.empty:
        text = ("No MSC-only regimen has a spine BMD benefit large enough for its duration to be measured "
                "(peak gains " + _range(msc["peak_gain_pp"], ".3f") + " pp).")
        half = msc["gain_halflife_years"].dropna()
        if len(half):
            text += f" Whatever its size, the MSC gain halves {_range(half, '.1f')} years after the last dose"
        text += (drugs + "." if drugs else "")
    else:
        bm = m.loc[m["durability_years"].idxmax()]
        text = (f"The longest-lasting MSC-only benefit is {bm['regimen']}'s: its spine BMD gain (peak "
                f"{_fmt(bm['peak_gain_pp'])} pp) lasts {bm['durability_label']} after the last dose{drugs}.")
        finished = stopped[~stopped["durability_censored"] & ~stopped["durability_no_benefit"]]
        if len(finished) and not bm["durability_censored"]:
            longer = (finished["durability_years"] < bm["durability_years"]).sum()
            text += (f" By this model the MSC benefit outlasts {longer} of the {len(finished)} stopped drug benefits "
                     "that ended within the run.")
    if len(on):
        text += f" Still on treatment within the last year of the run: {', '.join(on['regimen'])}."
    return [text]


def _drug_part(name: str, summary: dict, table: pd.DataFrame):
    """The drug-only regimen that gives exactly the combination's drug lines, if the study has one."""
    lines = summary["regimens"][name]
    drug_lines = [ln for ln in lines if not ln.strip().lower().startswith("msc")]
    for other, olines in summary["regimens"].items():
        if other != name and list(olines) == drug_lines:
            return table[table["regimen"] == other].iloc[0]
    return None


def render_study_report(table: pd.DataFrame, summary: dict, figures: dict[str, str], indices=None) -> str:
    """report.html: the conclusions, the headline table, the figures (file names beside the report), the
    sensitivity ranking and the limitations (template ``report/templates/durability.html.j2``)."""
    from .templating import render

    head = headline(table, summary["site"])
    return render("durability.html.j2", title=f"Durability study: {summary['name']}", summary=summary,
                  conclusions=conclusions(table, summary), scope=SCOPE, limitations=LIMITATIONS,
                  columns=list(head.columns), rows=head.to_dict(orient="records"), figures=figures,
                  indices=None if indices is None else indices.head(10).to_dict(orient="records"),
                  citations=summary.get("citations", []))
