"""Figures of a simulation result (matplotlib, Agg canvas; no pyplot, no global state).

``plot_result`` draws what a person wants to look at for the run it is given:

* patient runs: BMD per site (g/cm^2) and T-score per site with the WHO bands
  against age, turnover markers CTX and P1NP (% of baseline), bone cells,
  marrow fat, hormones and signals -- only the panels whose columns exist;
* classic zoo models: every state (and distinct output) against time in days.

Which panel a column belongs to is its plot group in :mod:`osteosim.outcomes.columns`
(looked up, never guessed from the name).  Ensemble band columns (``<col>_p05`` /
``<col>_p50`` / ``<col>_p95``) are drawn as a shaded 5-95 % band around the median.  Figures are built on
``matplotlib.figure.Figure`` with the Agg canvas so they are safe in a web
server thread and never open a window; ``path`` saves atomically.
"""
from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..io_utils import atomic_write_bytes
from ..outcomes import columns as C
from ..physiology.sites import SITE_TABLE, SITES
from ..physiology.who import NORMAL_MIN_TSCORE, OSTEOPOROSIS_MAX_TSCORE, WHO_CATEGORIES, who_category

__all__ = [
    "WHO_BANDS",
    "who_category",
    "plot_result",
    "plot_timeseries",
    "plot_comparison",
    "save_figure",
    "figure_png_bytes",
]

#: colour of each WHO category (physiology.who) in figures and reports
WHO_COLORS = {"normal": "#2ca02c", "osteopenia": "#ff7f0e", "osteoporosis": "#d62728"}
#: WHO densitometric categories by T-score: (label, low, high, colour)
WHO_BANDS = tuple((label, lo, hi, WHO_COLORS[label]) for label, lo, hi in WHO_CATEGORIES)

#: site labels inside a sentence, colours and abbreviations (physiology.sites)
SITE_LABELS = {s.name: s.lower_label for s in SITE_TABLE}
SITE_COLORS = {s.name: s.color for s in SITE_TABLE}
SITE_ABBR = {s.name: s.abbr for s in SITE_TABLE}

_TIME_COLUMNS = {n for col in C.TIMESERIES if col.group == "time" for n in col.names()}
_NON_SITE_COLORS = ("#2ca02c", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#ff7f0e", "#d62728", "#000000")
_LINESTYLES = ("-", "--", ":", "-.")


# ----------------------------------------------------------------------------
# column helpers
def _present(df: pd.DataFrame, col: str) -> bool:
    return col in df.columns or C.band_name(col, "p50") in df.columns


def _base_names(df: pd.DataFrame) -> list[str]:
    """Column names with the ensemble bands folded into the column they belong to, in order."""
    return list(dict.fromkeys(C.base_name(c) for c in df.columns))


def _group(col: str) -> str | None:
    """The declared plot group of a column (None: not declared)."""
    hit = C.lookup(col)
    return None if hit is None else hit.column.group


def _series(df: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(line, low, high) for a column: the column itself or its median, and the 5-95 % band if present."""
    p05, p50, p95 = (C.band_name(col, q) for q in C.BAND_QUANTILES)
    line = df[col] if col in df.columns else df[p50]
    lo = df[p05] if p05 in df.columns else None
    hi = df[p95] if p95 in df.columns else None
    f = lambda s: None if s is None else pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)  # noqa: E731
    if lo is None or hi is None:
        lo = hi = None
    return f(line), f(lo), f(hi)


def _site_of(col: str) -> tuple[str, str | None]:
    """(stem, site) for a column of a per-site family (its declared pattern without the site), else (col, None)."""
    hit = C.lookup(col)
    if hit is None or hit.column.per != "site":
        return col, None
    return hit.column.stem, hit.key


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=0.0, equal_nan=True))


def _dedupe(df: pd.DataFrame, cols: list[str]) -> dict[str, list[str]]:
    """Group columns whose values repeat an earlier one (a state and an output equal to it).

    Returns first column -> [first, repeats...] in order; one line is drawn per group.
    """
    groups: dict[str, list[str]] = {}
    arrays: dict[str, np.ndarray] = {}
    for c in cols:
        a = _series(df, c)[0]
        for k, b in arrays.items():
            if _same(a, b):
                groups[k].append(c)
                break
        else:
            groups[c] = [c]
            arrays[c] = a
    return groups


def _first_finite(a: np.ndarray) -> float:
    finite = a[np.isfinite(a)]
    return float(finite[0]) if finite.size else float("nan")


@dataclass
class _Panel:
    title: str
    ylabel: str
    columns: list[tuple[str, str]]  # (column, label)
    scale: str = "raw"  # raw | pct_baseline | percent (x100)
    who_bands: bool = False
    colors: dict[str, str] = field(default_factory=dict)


def _is_patient(result: Any, df: pd.DataFrame) -> bool:
    if getattr(result, "patient", None) is not None:
        return True
    return C.AGE.name() in df.columns or any(_present(df, fam.name(s)) for fam in (C.BMD, C.TSCORE) for s in SITES)


def _site_columns(df: pd.DataFrame, family: C.Column, allowed: set[str] | None) -> list[tuple[str, str]]:
    cols = [(family.name(s), SITE_LABELS[s]) for s in SITES if _present(df, family.name(s))]
    if allowed is not None:
        cols = [(c, lab) for c, lab in cols if c in allowed]
    return cols


def _labelled(cols: list[str], site_in_label: bool = True,
              groups: Mapping[str, list[str]] | None = None) -> list[tuple[str, str]]:
    out = []
    for c in cols:
        stem, site = _site_of(c)
        if site is None:
            label = c
        else:
            label = f"{stem} ({SITE_ABBR.get(site, site)})" if site_in_label else stem
        if groups and len(groups.get(c, ())) > 1:
            label += " = " + " = ".join(groups[c][1:])
        out.append((c, label))
    return out


def _patient_panels(df: pd.DataFrame, allowed: set[str] | None) -> list[_Panel]:
    names = [c for c in _base_names(df) if c not in _TIME_COLUMNS]
    if allowed is not None:
        names = [c for c in names if c in allowed]
    used: set[str] = set()
    panels: list[_Panel] = []
    colors = {fam.name(s): SITE_COLORS[s] for s in SITES for fam in (C.BMD, C.TSCORE, C.ZSCORE)}

    def panel(group: str, columns: list[tuple[str, str]], title: str | None = None, **kw) -> None:
        """A panel with the plot group's title, y label and scale (outcomes.columns.PLOT_GROUPS)."""
        default_title, ylabel, scale = C.PLOT_GROUPS[group]
        panels.append(_Panel(title or default_title, ylabel, columns, scale=scale, **kw))

    def of(group: str) -> list[str]:
        return [c for c in names if c not in used and _group(c) == group]

    bmd = _site_columns(df, C.BMD, allowed)
    if bmd:
        panel("bmd", bmd, colors=colors)
    tsc = _site_columns(df, C.TSCORE, allowed)
    if tsc:
        panel("tscore", tsc, who_bands=True, colors=colors)
    zsc = _site_columns(df, C.ZSCORE, allowed)
    if zsc:
        panel("zscore", zsc, colors=colors)
    used.update(c for c, _ in bmd + tsc + zsc)

    markers = [(c, c.upper()) for c in of("markers")]
    if markers:
        panel("markers", markers)
        used.update(c for c, _ in markers)

    cells = [c for c in names if c not in used and _group(c) in ("osteoblast_lineage", "osteoclast_lineage")]
    used.update(cells)
    groups = _dedupe(df, cells)
    for lineage in ("osteoblast_lineage", "osteoclast_lineage"):
        firsts = [c for c in groups if _group(c) == lineage]
        if firsts:
            panel(lineage, _labelled(firsts, groups=groups))

    fat = of("marrow_fat")
    if fat:
        panel("marrow_fat", [(c, C.PLOT_GROUPS["marrow_fat"][0].lower()) for c in fat])
        used.update(fat)

    hormones = of("hormones")
    local = of("local_signals")
    used.update(hormones + local)
    if hormones:
        panel("hormones", _labelled(hormones))
    if local:
        # one site is enough to read the local signals; the others move alike
        sites = {_site_of(c)[1] for c in local}
        show = next(s for s in SITES if s in sites)
        local = [c for c in local if _site_of(c)[1] == show] if allowed is None else local
        title = f"Local signals, {SITE_LABELS[show]}" if allowed is None else None
        panel("local_signals", _labelled(local, site_in_label=allowed is not None), title=title)

    strength = of("strength")
    if strength:
        panel("strength", _labelled(strength))
        used.update(strength)

    if allowed is not None:  # explicitly requested columns that fit no group: one panel each
        for c in names:
            if c not in used:
                panels.append(_Panel(c, c, [(c, c)]))
    return panels


def _classic_panels(result: Any, df: pd.DataFrame, allowed: set[str] | None) -> list[_Panel]:
    names = [c for c in _base_names(df) if c not in _TIME_COLUMNS]
    model = getattr(result, "model", None)
    states = [s for s in (model.state_names if model is not None else ()) if s in names]
    others = [c for c in names if c not in states]
    if allowed is not None:
        return [_Panel(c, c, [(c, c)]) for c in names if c in allowed]
    # an output that equals a state (bone_mass_percent == z) shares its panel: "z = bone_mass_percent"
    groups = _dedupe(df, states + others)
    return [_Panel(" = ".join(g), c, [(c, " = ".join(g))]) for c, g in groups.items()]


def _validate_columns(df: pd.DataFrame, columns: Sequence[str] | None) -> set[str] | None:
    if columns is None:
        return None
    if isinstance(columns, str):
        columns = [columns]
    import difflib

    allowed = _base_names(df)
    for c in columns:
        if not _present(df, c):
            close = difflib.get_close_matches(c, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
            raise ValueError(f"columns: unknown column {c!r}{hint}")
    return set(columns)


# ----------------------------------------------------------------------------
# drawing
def _grid(n: int) -> tuple[int, int]:
    if n <= 1:
        return 1, 1
    ncols = 2 if n <= 6 else 3
    return math.ceil(n / ncols), ncols


def _new_figure(n: int, width: float = 5.4, height: float = 3.3) -> tuple[Figure, list]:
    nrows, ncols = _grid(max(n, 1))
    fig = Figure(figsize=(width * ncols, height * nrows + 0.5))
    FigureCanvasAgg(fig)
    # fixed margins: constrained layout doubled the time to draw a 10-panel figure (1.1 s -> 0.6 s)
    top = 1.0 - 0.75 / (height * nrows + 0.5)
    fig.subplots_adjust(left=0.065, right=0.985, bottom=0.05, top=top, hspace=0.38, wspace=0.26)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def _shade_who(ax, lo: float, hi: float) -> None:
    ymin = min(lo - 0.3, -3.2)
    ymax = max(hi + 0.3, 0.5)
    for label, a, b, color in WHO_BANDS:
        ax.axhspan(max(a, ymin), min(b, ymax), color=color, alpha=0.10, lw=0, zorder=0)
        mid = (max(a, ymin) + min(b, ymax)) / 2
        ax.text(1.0, mid, f" {label}", transform=ax.get_yaxis_transform(), va="center", ha="right",
                fontsize=7, color=color, alpha=0.9)
    ax.axhline(NORMAL_MIN_TSCORE, color=WHO_COLORS["osteopenia"], lw=0.6, ls="--", alpha=0.6)
    ax.axhline(OSTEOPOROSIS_MAX_TSCORE, color=WHO_COLORS["osteoporosis"], lw=0.6, ls="--", alpha=0.6)
    ax.set_ylim(ymin, ymax)


def _draw_panel(ax, panel: _Panel, df: pd.DataFrame, x: np.ndarray, xlabel: str) -> None:
    lo_all, hi_all = math.inf, -math.inf
    pct = panel.scale == "pct_baseline"
    if pct:  # fall back to raw values when a baseline is 0 or missing
        bases = [_first_finite(_series(df, c)[0]) for c, _ in panel.columns]
        if not all(math.isfinite(b) and abs(b) > 1e-300 for b in bases):
            pct = False
    ylabel = panel.ylabel if (pct or panel.scale != "pct_baseline") else "value"
    stems: list[str] = []
    n_other = 0
    # several sites in one panel: colour by site, line style by quantity; otherwise one colour per line
    by_site = len({_site_of(c)[1] for c, _ in panel.columns} - {None}) > 1
    for col, label in panel.columns:
        y, lo, hi = _series(df, col)
        stem, site = _site_of(col)
        if stem not in stems:
            stems.append(stem)
        style = _LINESTYLES[stems.index(stem) % len(_LINESTYLES)] if (by_site and site is not None) else "-"
        factor = 1.0
        if pct:
            factor = 100.0 / _first_finite(y)
        elif panel.scale == "percent" and np.nanmax(np.abs(y), initial=0.0) <= 1.0:
            factor = 100.0
        elif panel.scale == "percent":
            ylabel = panel.ylabel.replace("% of", "fraction of")
        color = panel.colors.get(col)
        if color is None and by_site and site is not None:
            color = SITE_COLORS.get(site)
        elif color is None and len(panel.columns) > 1:
            color = _NON_SITE_COLORS[n_other % len(_NON_SITE_COLORS)]
            n_other += 1
        (line,) = ax.plot(x, y * factor, label=label, color=color, lw=1.6, ls=style)
        if lo is not None:
            ax.fill_between(x, lo * factor, hi * factor, color=line.get_color(), alpha=0.2, lw=0,
                            label=f"{label} 5–95 %")
            lo_all = min(lo_all, np.nanmin(lo * factor))
            hi_all = max(hi_all, np.nanmax(hi * factor))
        if np.isfinite(y).any():
            lo_all = min(lo_all, np.nanmin(y * factor))
            hi_all = max(hi_all, np.nanmax(y * factor))
    if panel.who_bands and math.isfinite(lo_all):
        _shade_who(ax, lo_all, hi_all)
    if pct:
        ax.axhline(100.0, color="0.5", lw=0.6, ls=":")
    title = panel.title
    if len(panel.columns) == 1 and panel.columns[0][1].lower() not in title.lower():
        title = f"{title}: {panel.columns[0][1]}"  # a single line needs no legend
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(True, alpha=0.25, lw=0.5)
    if len(panel.columns) > 1 or panel.who_bands or any(_series(df, c)[1] is not None for c, _ in panel.columns):
        ax.legend(fontsize=7, loc="best", frameon=False)


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
    allowed = _validate_columns(df, columns)
    patient_like = _is_patient(result, df)
    if patient_like:
        panels = _patient_panels(df, allowed)
        if "age" in df.columns:
            x, xlabel = df["age"].to_numpy(dtype=float), "age (years)"
        else:
            x, xlabel = df["t_years"].to_numpy(dtype=float), "time (years)"
    else:
        panels = _classic_panels(result, df, allowed)
        if "t_days" in df.columns:
            x, xlabel = df["t_days"].to_numpy(dtype=float), "time (days)"
        elif "t_years" in df.columns:
            x, xlabel = df["t_years"].to_numpy(dtype=float) * 365.25, "time (days)"
        else:
            x, xlabel = np.arange(len(df), dtype=float), "sample"
    fig, axes = _new_figure(len(panels))
    if not panels:
        ax = fig.axes[0]
        ax.set_visible(True)
        ax.text(0.5, 0.5, "nothing to plot", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    events = _patient_events(getattr(result, "patient", None)) if patient_like and "age" in df.columns else []
    doses = _dose_events(result, float(x.max())) if patient_like and "age" in df.columns and x.size else []
    for ax, panel in zip(axes, panels):
        _draw_panel(ax, panel, df, x, xlabel)
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
    specs = [sp for sp in specs if any(_present(df, sp[0]) for df in dfs.values())]
    fig, axes = _new_figure(len(specs), width=5.0, height=3.1)
    colors = [f"C{i}" for i in range(10)]
    handles = {}
    for ax, (col, ttl, ylabel, kind) in zip(axes, specs):
        lo_all, hi_all = math.inf, -math.inf
        for i, (label, df) in enumerate(dfs.items()):
            if not _present(df, col):
                continue
            x = (df[C.AGE.name()] if C.AGE.name() in df.columns else df[C.T_YEARS.name()]).to_numpy(dtype=float)
            y, lo, hi = _series(df, col)
            base = _first_finite(y)
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
            _shade_who(ax, lo_all, hi_all)
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


# ----------------------------------------------------------------------------
# output
def figure_png_bytes(fig: Figure, dpi: int = 80, fmt: str = "png") -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi)
    return buf.getvalue()


def save_figure(fig: Figure, path: str | Path, dpi: int = 80) -> Path:
    """Save atomically; the format follows the suffix (png when none)."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    return atomic_write_bytes(path, figure_png_bytes(fig, dpi=dpi, fmt=fmt))
