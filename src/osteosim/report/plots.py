"""Figures of a simulation result (matplotlib, Agg canvas; no pyplot, no global state).

``plot_result`` draws what a person wants to look at for the run it is given:

* patient runs: BMD per site (g/cm^2) and T-score per site with the WHO bands
  against age, turnover markers CTX and P1NP (% of baseline), bone cells,
  marrow fat, hormones and signals -- only the panels whose columns exist;
* classic zoo models: every state (and distinct output) against time in days.

``plot_comparison`` draws several patient runs on one figure.  The panels are built in
:mod:`.panels`, colours, WHO bands and the canvas come from :mod:`.style`; ``path``
saves atomically.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..outcomes import columns as C
from ..physiology.sites import SITES
from .panels import (classic_panels, draw_panel, first_finite, is_patient, patient_panels, present, series,
                     validate_columns)
from .style import SITE_LABELS, new_figure, save_figure, shade_who

__all__ = ["plot_result", "plot_timeseries", "plot_comparison"]


def _patient_events(patient: Any) -> list[tuple[float, str]]:
    if patient is None:
        return []
    out = []
    meno = getattr(patient, "menopause_age", None)
    ovx = getattr(patient, "ovariectomy_age", None)
    if meno is not None:
        out.append((float(meno), "menopause"))
    if ovx is not None:
        out.append((float(ovx), "ovariectomy"))
    return out


#: doses closer together than this are drawn as one bar (daily tablets, injections) rather than ticks
_BAR_INTERVAL_DAYS = 28.0
_DOSE_COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf")


def _dose_events(result: Any, x_max: float) -> list[tuple[str, np.ndarray, bool]]:
    """(label, ages of the doses, drawn as a bar?) for each line of the run's regimen.

    Read back from the summary's regimen strings (they round-trip through the parser), so a
    figure of a saved result marks the same dosing times as the run itself.
    """
    summary = getattr(result, "summary", None) or {}
    patient = getattr(result, "patient", None)
    lines = summary.get("regimen") or []
    if not lines or patient is None:
        return []
    from ..therapies.regimen import parse_regimen

    horizon = (x_max - float(patient.age)) * 365.25
    out = []
    for pr in parse_regimen(lines):
        days = np.asarray(pr.dose_times(horizon), dtype=float)
        if days.size:
            bar = pr.interval_days is not None and pr.interval_days < _BAR_INTERVAL_DAYS
            out.append((pr.therapy, float(patient.age) + days / 365.25, bar))
    return out


def _mark_doses(ax, doses: list[tuple[str, np.ndarray, bool]], legend: bool) -> None:
    """Dosing times along the bottom of a panel: a tick per dose, a bar for daily/weekly dosing."""
    for k, (label, ages, bar) in enumerate(doses):
        color = _DOSE_COLORS[k % len(_DOSE_COLORS)]
        y = 0.03 + 0.035 * k
        trans = ax.get_xaxis_transform()
        if bar:
            ax.plot([ages[0], ages[-1]], [y, y], transform=trans, color=color, lw=3, alpha=0.8,
                    solid_capstyle="butt", label=f"{label} (dosing)" if legend else None)
        else:
            ax.plot(ages, np.full(ages.shape, y), transform=trans, ls="none", marker="|", ms=9, mew=1.5,
                    color=color, label=f"{label} doses" if legend else None)


def _patient_title(result: Any) -> str:
    p = getattr(result, "patient", None)
    model = getattr(getattr(result, "model", None), "name", "")
    if p is None:
        return model
    bits = [f"{p.sex}, {p.age:g} y"]
    if getattr(p, "ovariectomy_age", None) is not None:
        bits.append(f"ovariectomy at {p.ovariectomy_age:g}")
    if getattr(p, "menopause_age", None) is not None:
        bits.append(f"menopause at {p.menopause_age:g}")
    risk = [name for name, on in (("smoker", p.smoker), ("glucocorticoids", p.glucocorticoids),
                                  ("family history", p.family_history)) if on]
    bits.append(f"{p.physical_activity} activity")
    bits += risk
    return f"{model} — " + ", ".join(bits) if model else ", ".join(bits)


def plot_timeseries(df: pd.DataFrame, columns: Sequence[str] | None = None, path: str | Path | None = None,
                    title: str | None = None, result: Any = None) -> Figure:
    """Plot a result-like DataFrame (see :func:`plot_result`)."""
    allowed = validate_columns(df, columns)
    patient_like = is_patient(result, df)
    if patient_like:
        panels = patient_panels(df, allowed)
        if C.AGE.name() in df.columns:
            x, xlabel = df[C.AGE.name()].to_numpy(dtype=float), "age (years)"
        else:
            x, xlabel = df[C.T_YEARS.name()].to_numpy(dtype=float), "time (years)"
    else:
        panels = classic_panels(result, df, allowed)
        if C.T_DAYS.name() in df.columns:
            x, xlabel = df[C.T_DAYS.name()].to_numpy(dtype=float), "time (days)"
        elif C.T_YEARS.name() in df.columns:
            x, xlabel = df[C.T_YEARS.name()].to_numpy(dtype=float) * 365.25, "time (days)"
        else:
            x, xlabel = np.arange(len(df), dtype=float), "sample"
    fig, axes = new_figure(len(panels))
    if not panels:
        ax = fig.axes[0]
        ax.set_visible(True)
        ax.text(0.5, 0.5, "nothing to plot", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    by_age = patient_like and C.AGE.name() in df.columns
    events = _patient_events(getattr(result, "patient", None)) if by_age else []
    doses = _dose_events(result, float(x.max())) if by_age and x.size else []
    for ax, panel in zip(axes, panels):
        draw_panel(ax, panel, df, x, xlabel)
        if doses:
            first = ax is axes[0]
            _mark_doses(ax, doses, legend=first)
            if first:
                ax.legend(fontsize=7, loc="best", frameon=False)
        for age, label in events:
            if x.size and x.min() <= age <= x.max():
                ax.axvline(age, color="0.4", lw=0.8, ls="--", alpha=0.7)
                ax.text(age, 1.0, f" {label}", transform=ax.get_xaxis_transform(), fontsize=7, color="0.35",
                        va="top", ha="left", rotation=0)
    if title is None:
        title = _patient_title(result) if patient_like else _classic_title(result)
    if title:
        fig.suptitle(title, fontsize=11)
    if path is not None:
        save_figure(fig, path)
    return fig


def _classic_title(result: Any) -> str:
    model = getattr(getattr(result, "model", None), "name", "")
    params = getattr(getattr(result, "parameters", None), "name", "")
    return f"{model} (parameter set {params})" if params and params != model else model


def plot_result(result: Any, columns: Sequence[str] | None = None, path: str | Path | None = None) -> Figure:
    """Multi-panel figure of a :class:`~osteosim.simulation.Result`; saved to ``path`` (PNG/SVG/PDF) if given.

    ``columns`` restricts the figure to those columns (grouped into the same panels);
    unknown names are a ``ValueError`` with a suggestion.  Returns the Figure.
    """
    df = result.timeseries if hasattr(result, "timeseries") else result
    if not isinstance(df, pd.DataFrame):
        raise TypeError("plot_result: expected a Result or a pandas DataFrame")
    return plot_timeseries(df, columns=columns, path=path, result=result if hasattr(result, "timeseries") else None)


# ----------------------------------------------------------------------------
# several patients on one figure
def plot_comparison(results: Mapping[str, Any], path: str | Path | None = None, title: str | None = None) -> Figure:
    """Compare patient runs: T-score per site with WHO bands, lumbar-spine BMD change, CTX, P1NP, marrow fat.

    ``results`` maps a label to a Result (or a timeseries DataFrame).  Panels whose
    column no run has are left out.
    """
    dfs = {k: (v.timeseries if hasattr(v, "timeseries") else v) for k, v in results.items()}
    specs: list[tuple[str, str, str, str]] = []  # (column, title, ylabel, transform)
    for s in SITES:
        specs.append((C.TSCORE.name(s), f"T-score, {SITE_LABELS[s]}", "T-score (SD)", "who"))
    # BMD change at the spine and the total hip, the sites trials report
    specs += [(C.BMD.name(s), f"BMD change, {SITE_LABELS[s]}", "% change from start", "pct_change")
              for s in ("lumbar_spine", "total_hip")]
    specs += [
        (C.CTX.name(), "CTX (resorption)", "% of baseline", "pct_baseline"),
        (C.P1NP.name(), "P1NP (formation)", "% of baseline", "pct_baseline"),
        (C.MARROW_FAT.name(), "Marrow fat", "marrow fat (% of marrow)", "percent"),
    ]
    specs = [sp for sp in specs if any(present(df, sp[0]) for df in dfs.values())]
    fig, axes = new_figure(len(specs), width=5.0, height=3.1)
    colors = [f"C{i}" for i in range(10)]
    handles = {}
    for ax, (col, ttl, ylabel, kind) in zip(axes, specs):
        lo_all, hi_all = math.inf, -math.inf
        for i, (label, df) in enumerate(dfs.items()):
            if not present(df, col):
                continue
            x = (df[C.AGE.name()] if C.AGE.name() in df.columns else df[C.T_YEARS.name()]).to_numpy(dtype=float)
            y, lo, hi = series(df, col)
            base = first_finite(y)
            if kind == "pct_change":
                f = lambda a, b=base: (a / b - 1.0) * 100.0  # noqa: E731
            elif kind == "pct_baseline":
                f = lambda a, b=base: a / b * 100.0  # noqa: E731
            elif kind == "percent":
                scale = 100.0 if np.nanmax(np.abs(y), initial=0.0) <= 1.0 else 1.0
                f = lambda a, s=scale: a * s  # noqa: E731
            else:
                f = lambda a: a  # noqa: E731
            (line,) = ax.plot(x, f(y), color=colors[i % 10], lw=1.5, label=label)
            handles.setdefault(label, line)
            if lo is not None:
                ax.fill_between(x, f(lo), f(hi), color=colors[i % 10], alpha=0.15, lw=0)
            if np.isfinite(f(y)).any():
                lo_all, hi_all = min(lo_all, np.nanmin(f(y))), max(hi_all, np.nanmax(f(y)))
        if kind == "who" and math.isfinite(lo_all):
            shade_who(ax, lo_all, hi_all)
        if kind == "pct_baseline":
            ax.axhline(100.0, color="0.5", lw=0.6, ls=":")
        if kind == "pct_change":
            ax.axhline(0.0, color="0.5", lw=0.6, ls=":")
        ax.set_title(ttl, fontsize=10)
        ax.set_ylabel(ylabel, fontsize=9)
        ax.set_xlabel("age (years)", fontsize=9)
        ax.tick_params(labelsize=8)
        ax.grid(True, alpha=0.25, lw=0.5)
    if handles:
        fig.legend(list(handles.values()), list(handles.keys()), loc="outside lower center",
                   ncol=min(len(handles), 3), fontsize=8, frameon=False)
    if title:
        fig.suptitle(title, fontsize=11)
    if path is not None:
        save_figure(fig, path)
    return fig


