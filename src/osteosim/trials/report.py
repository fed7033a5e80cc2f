"""report.html of a virtual trial: BMD curves with bands, fracture counts, Kaplan-Meier plots,
a forest plot of the simulated (predicted) fracture ratios next to the published ones,
simulated vs published BMD, and with parameter draws the sampling, parameter and total intervals (one self-contained file, figures inline as PNG).

The layout is the jinja2 template ``osteosim/report/templates/trial.html.j2``; this module
draws the figures and hands the summary over."""
from __future__ import annotations

import base64

from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from ..physiology.patient import SITES
from ..report.style import SITE_LABELS, figure_png_bytes
from ..report.templating import render
from ..outcomes.fracture import ENDPOINT_KINDS
from .spec import PUBLISHED, TrialSpec

__all__ = ["render_report"]

_COLORS = ("#444444", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")
#: arms with the same result (an arm that changes nothing) stay visible: each has its own dash
_DASHES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 2)), (0, (8, 2)))


def _png_uri(fig: Figure) -> str:
    """A figure as a ``data:`` URI, so report.html is one self-contained file."""
    return f"data:image/png;base64,{base64.b64encode(figure_png_bytes(fig, dpi=90)).decode()}"


def _change_figure(summary: dict, key: str = "bmd_pct_change", label: str = "BMD change from baseline (%)") -> Figure:
    """Mean change per arm and site over the visits (``key``: bmd_pct_change or strength_pct_change), with
    the SD (light) and the 95 % CI of the mean (dark)."""
    fig = Figure(figsize=(11, 3.6), layout="constrained")
    axes = fig.subplots(1, len(SITES), sharey=True)
    for ax, site in zip(axes, SITES):
        for color, dash, (arm, a) in zip(_COLORS, _DASHES, summary["arms"].items()):
            months = [0.0] + [float(m) for m in a[key][site]]
            vals = [a[key][site][m] for m in a[key][site]]
            mean = [0.0] + [v["mean"] for v in vals]
            sd = [0.0] + [v["sd"] or 0.0 for v in vals]
            lo = [0.0] + [v["ci95"][0] if v["ci95"][0] is not None else v["mean"] for v in vals]
            hi = [0.0] + [v["ci95"][1] if v["ci95"][1] is not None else v["mean"] for v in vals]
            ax.fill_between(months, [m - s for m, s in zip(mean, sd)], [m + s for m, s in zip(mean, sd)],
                            color=color, alpha=0.10, lw=0)
            ax.fill_between(months, lo, hi, color=color, alpha=0.35, lw=0)
            ax.plot(months, mean, marker="o", ls=dash, color=color, ms=3, label=arm)
        ax.axhline(0.0, color="#999", lw=0.8)
        ax.set_title(SITE_LABELS.get(site, site))
        ax.set_xlabel("months")
    axes[0].set_ylabel(label)
    axes[-1].legend(fontsize=8)
    return fig


def _km_figure(summary: dict) -> Figure:
    km = summary["km"]
    fig = Figure(figsize=(11, 3.4), layout="constrained")
    axes = fig.subplots(1, len(ENDPOINT_KINDS))
    for ax, kind in zip(axes, ENDPOINT_KINDS):
        for color, dash, (arm, curve) in zip(_COLORS, _DASHES, km["cumulative_incidence"][kind].items()):
            if curve:
                ax.step(km["t_years"], [100.0 * c for c in curve], where="post", color=color, ls=dash, label=arm)
        ax.set_title(f"{kind} fracture")
        ax.set_xlabel("years")
    axes[0].set_ylabel("cumulative incidence (%, Kaplan-Meier)")
    axes[-1].legend(fontsize=8)
    return fig


#: the published results in the forest plot
_PUBLISHED_COLOR = "#000000"
#: the forest plot's RR axis: ratios and CI ends beyond these are drawn at the edge (arrow)
_RR_LIMITS = (0.05, 20.0)
#: labelled ratios on the forest plot's log axis
_RR_TICKS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0)


def _forest_label(r: dict) -> str:
    window = f"{r['window_start']:g}-{r['month']:g}" if r["window_start"] else f"{r['month']:g}"
    if r["published_month"] is not None and r["published_month"] != r["month"]:
        window += f" (published {r['published_month']:g})"
    return f"{r['arm']} · {r['kind']} · {window} mo · {r['measure']}"


def _interval(ax, y: float, point: float | None, ci, color: str, marker: str, label: str) -> None:
    """A point with its 95 % CI on a log axis; ends past the axis limits are clipped and marked with an arrow."""
    lo_lim, hi_lim = _RR_LIMITS
    if ci and ci[0] is not None and ci[1] is not None:
        lo, hi = max(ci[0], lo_lim), min(ci[1], hi_lim)
        ax.plot([lo, hi], [y, y], color=color, lw=1.6, solid_capstyle="butt")
        for end, clipped, m in ((lo, ci[0] < lo_lim, "<"), (hi, ci[1] > hi_lim, ">")):
            if clipped:
                ax.plot([end], [y], marker=m, color=color, ms=5)
    if point is not None:
        ax.plot([min(max(point, lo_lim), hi_lim)], [y], marker=marker, color=color, ms=6, ls="none", label=label)


def _forest_figure(rows: list[dict], arms: list[str]) -> Figure:
    """One row per (arm, fracture kind, month): simulated ratio (predicted) and published ratio with 95 % CIs."""
    fig = Figure(figsize=(9.5, 0.42 * len(rows) + 1.3), layout="constrained")
    ax = fig.subplots()
    colors = dict(zip(arms, _COLORS))  # as in the BMD figure
    seen: set[str] = set()
    for i, r in enumerate(rows):
        y = len(rows) - 1 - i
        lab = f"{r['arm']}: simulated (predicted)"
        _interval(ax, y + 0.14, r["simulated"], r["simulated_ci95"], colors.get(r["arm"], "#1f77b4"), "o",
                  "" if lab in seen else lab)
        seen.add(lab)
        if r["simulated"] is None:
            ax.text(1.0, y + 0.14, " no simulated events ", fontsize=7, va="center", ha="left", color="#777")
        if r["published"] is not None:
            lab = "published"
            _interval(ax, y - 0.14, r["published"], r["published_ci95"], _PUBLISHED_COLOR, "s", "" if lab in seen else lab)
            seen.add(lab)
    ax.axvline(1.0, color="#777", lw=1.0, ls="--")
    ax.set_xscale("log")
    # the axis spans the drawn points and CI ends (and 1), with a margin, inside the clipping limits
    ends = [v for r in rows for v in (r["simulated"], r["published"], *(r["simulated_ci95"] or ()),
                                      *(r["published_ci95"] or ())) if v is not None and v > 0]
    lo, hi = max(_RR_LIMITS[0], min(ends + [1.0]) / 1.5), min(_RR_LIMITS[1], max(ends + [1.0]) * 1.5)
    ax.set_xlim(lo, hi)
    ax.set_xticks([t for t in _RR_TICKS if lo <= t <= hi], [f"{t:g}" for t in _RR_TICKS if lo <= t <= hi])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks(range(len(rows)), [_forest_label(r) for r in reversed(rows)], fontsize=8)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("ratio treated / control (log scale; 95 % CI; 1 = no effect)")
    if ax.get_legend_handles_labels()[0]:  # a trial whose ratios are all undefined (no events) draws no labelled point
        ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2 if len(seen) > 3 else 3, frameon=False)
    return fig


#: the three intervals of a parameter-uncertainty row (trials/uncertainty.py): key, label, y offset, line width
_UNCERTAINTY_INTERVALS = (("sampling_ci95", "sampling (patients)", 0.22, 1.4), ("parameter_interval", "parameter", 0.0, 4.0),
                          ("total_interval", "total", -0.22, 1.4))


def _uncertainty_figure(summary: dict) -> Figure:
    """BMD change at the last visit per site and arm: the nominal estimate with its sampling, parameter and total
    95 % intervals (one line each), so the two sources of uncertainty read side by side."""
    u, last = summary["uncertainty"], summary["visits_months"][-1]
    arms = list(summary["arms"])
    colors = dict(zip(arms, _COLORS))  # as in the BMD figure
    rows = {(r["arm"], r["site"]): r for r in u["endpoints"] if r["endpoint"] == "bmd_pct_change" and r["month"] == last}
    fig = Figure(figsize=(11, 0.55 * len(arms) + 1.4), layout="constrained")
    axes = fig.subplots(1, len(SITES), sharey=True)
    for ax, site in zip(axes, SITES):
        for i, arm in enumerate(arms):
            r, y = rows.get((arm, site)), len(arms) - 1 - i
            if r is None:
                continue
            for key, label, dy, lw in _UNCERTAINTY_INTERVALS:
                lo, hi = r[key]
                if lo is not None:
                    par = key == "parameter_interval"  # end ticks: a zero-width interval stays visible
                    ax.plot([lo, hi], [y + dy, y + dy], color=colors[arm], lw=lw, alpha=1.0 if par else 0.55,
                            solid_capstyle="butt", marker="|" if par else None, ms=9)
            if r["nominal"] is not None:
                ax.plot([r["nominal"]], [y], marker="o", color="black", ms=3)
        ax.axvline(0.0, color="#999", lw=0.8)
        ax.set_title(SITE_LABELS.get(site, site), fontsize=9)
        ax.set_xlabel(f"% change, month {last}")
    axes[0].set_yticks(range(len(arms)), list(reversed(arms)), fontsize=8)
    fig.suptitle("per arm, top to bottom: sampling CI, parameter interval (thick), total interval; dot: nominal",
                 fontsize=8)
    return fig


def render_report(spec: TrialSpec, summary: dict) -> str:
    """The trial's report.html (template ``report/templates/trial.html.j2``; figures inline as PNG)."""
    arms = summary["arms"]
    return render(
        "trial.html.j2",
        title=spec.name,
        spec=spec,
        summary=summary,
        sites=SITES,
        site_labels=SITE_LABELS,
        kinds=ENDPOINT_KINDS,
        has_msc=any("msc" in " ".join(a["regimen"]).lower() for a in arms.values()),
        published_name=PUBLISHED.get(spec.published, "") if spec.published else "",
        bmd_png=_png_uri(_change_figure(summary)),
        strength_png=_png_uri(_change_figure(summary, "strength_pct_change", "strength change (%)"))
        if all("strength_pct_change" in a for a in summary["arms"].values()) else None,
        fracture_strength_png=_png_uri(_change_figure(summary, "fracture_strength_pct_change",
                                                      "fracture strength change (%)"))
        if all("fracture_strength_pct_change" in a for a in summary["arms"].values()) else None,
        km_png=_png_uri(_km_figure(summary)),
        forest_png=(_png_uri(_forest_figure(summary["fracture_predictions"], list(arms)))
                    if summary.get("fracture_predictions") else None),
        uncertainty_png=_png_uri(_uncertainty_figure(summary)) if summary.get("uncertainty") else None,
        citations=summary.get("citations", []),
    )
