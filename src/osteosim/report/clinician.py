"""The clinician's page: the same patient treated and untreated, BMD, strength and fracture risk over time.

One figure (A4 portrait) with three rows, each comparing the runs it is given (e.g. "no treatment"
and "denosumab 60 mg every 6 months for 5 years") for one patient:

1. T-score at the lumbar spine and the femoral neck, with the WHO bands;
2. bone strength at the same sites (% change from the start; outcomes.strength: volume and mineral);
3. the 10-year probability of a major osteoporotic and of a hip fracture at each age
   (outcomes.risk_course: the FRAX-style calculator on the T-scores the model computed).

A treatment reaches rows 2 and 3 only through the bone it produced, so the page shows how much of
a drug's benefit the model attributes to BMD, to strength and to risk at each time.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..outcomes import columns as C
from ..outcomes.fracture import HIP_SITE, VERTEBRAL_SITE
from ..outcomes.risk_course import ten_year_risk_course
from .style import SITE_LABELS, save_figure, shade_who

__all__ = ["plot_clinician", "CLINICIAN_SITES"]

#: the sites of the page: the spine (vertebral fractures) and the hip site the calculator reads
CLINICIAN_SITES = (VERTEBRAL_SITE, HIP_SITE)
_COLORS = ("#7f7f7f", "#1f77b4", "#d62728", "#2ca02c", "#9467bd")


def _check(results: Mapping[str, Any]) -> None:
    if not results:
        raise ValueError("results: give at least one run (label -> Result)")
    for label, r in results.items():
        if r.patient is None or r.patient.species != "human":
            raise ValueError(f"results[{label!r}]: the clinician page needs a human patient's run")
        missing = [c for s in CLINICIAN_SITES for c in (C.TSCORE.name(s), C.STRENGTH.name(s)) if c not in r.timeseries]
        if missing:
            raise ValueError(f"results[{label!r}]: the run has no {', '.join(missing)} columns")
    first = next(iter(results.values())).patient
    for label, r in results.items():
        if r.patient != first:
            raise ValueError(f"results[{label!r}]: a different patient from the first run's; the page compares "
                             "treatments of one patient")


def plot_clinician(results: Mapping[str, Any], path: str | Path | None = None, title: str | None = None,
                   country: str | None = None) -> Figure:
    """The clinician's page for runs of one patient (label -> :class:`~osteosim.simulation.Result`).

    ``country``: incidence and mortality tables of the risk row (us | uk | norway; None: Fracture2026's).
    Saved to ``path`` (PNG/SVG/PDF by suffix) when given; returns the Figure.
    """
    _check(results)
    fig = Figure(figsize=(8.27, 11.0))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=0.09, right=0.97, bottom=0.08, top=0.9, hspace=0.42, wspace=0.28)
    axes = fig.subplots(3, 2)
    handles = []
    for k, (label, r) in enumerate(results.items()):
        df, color = r.timeseries, _COLORS[k % len(_COLORS)]
        age = df[C.AGE.name()].to_numpy(float)
        for j, site in enumerate(CLINICIAN_SITES):
            (line,) = axes[0, j].plot(age, df[C.TSCORE.name(site)].to_numpy(float), color=color, lw=1.8, label=label)
            st = df[C.STRENGTH.name(site)].to_numpy(float)
            axes[1, j].plot(age, 100.0 * (st / st[0] - 1.0), color=color, lw=1.8)
        handles.append(line)
        risk = ten_year_risk_course(r.patient, df, country=country)
        for j, key in enumerate(("major_osteoporotic", "hip")):
            axes[2, j].plot(risk["age"], risk[key], color=color, lw=1.8, marker="o", ms=3)
    for j, site in enumerate(CLINICIAN_SITES):
        ax = axes[0, j]
        y = np.concatenate([np.asarray(ln.get_ydata(), float) for ln in ax.lines])
        shade_who(ax, float(np.nanmin(y)), float(np.nanmax(y)))
        ax.set_title(f"T-score, {SITE_LABELS[site]}", fontsize=10)
        ax.set_ylabel("T-score (SD)", fontsize=9)
        axes[1, j].axhline(0.0, color="0.5", lw=0.6, ls=":")
        axes[1, j].set_title(f"Bone strength, {SITE_LABELS[site]}", fontsize=10)
        axes[1, j].set_ylabel("% change from start", fontsize=9)
    axes[2, 0].set_title("10-year probability of a major osteoporotic fracture", fontsize=10)
    axes[2, 1].set_title("10-year probability of a hip fracture", fontsize=10)
    for ax in axes[2]:
        ax.set_ylabel("probability (%)", fontsize=9)
        ax.set_ylim(bottom=0.0)
    for ax in axes.ravel():
        ax.set_xlabel("age (years)", fontsize=9)
        ax.tick_params(labelsize=8)
        ax.grid(True, alpha=0.25, lw=0.5)
    first = next(iter(results.values())).patient
    fig.suptitle(title or f"{first.sex}, {first.age:g} years: BMD, strength and fracture risk", fontsize=12)
    fig.legend(handles, list(results), loc="upper center", bbox_to_anchor=(0.5, 0.955), ncol=min(len(handles), 3),
               fontsize=9, frameon=False)
    fig.text(0.5, 0.015, "Strength: bone volume and mineral per site (Morgan 2003 exponents). Risk: FRAX-style "
             "calculator on the simulated T-scores, so a treatment changes it only through BMD (osteosim).",
             ha="center", fontsize=7, color="0.35", wrap=True)
    if path is not None:
        save_figure(fig, path, dpi=110)
    return fig
