"""The panels of a timeseries figure: which columns go together, and drawing one panel.

Which panel a column belongs to is its plot group in :mod:`osteosim.outcomes.columns`
(looked up, never guessed from the name).  Ensemble band columns (``<col>_p05`` /
``<col>_p50`` / ``<col>_p95``) are drawn as a shaded 5-95 % band around the median.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..outcomes import columns as C
from ..physiology.sites import SITES
from .style import LINESTYLES, NON_SITE_COLORS, SITE_ABBR, SITE_COLORS, SITE_LABELS, shade_who

__all__ = ["Panel", "present", "series", "first_finite", "is_patient", "patient_panels", "classic_panels",
           "validate_columns", "draw_panel"]

_TIME_COLUMNS = {n for col in C.TIMESERIES if col.group == "time" for n in col.names()}


# ----------------------------------------------------------------------------
# column helpers
def present(df: pd.DataFrame, col: str) -> bool:
    return col in df.columns or C.band_name(col, "p50") in df.columns


def _base_names(df: pd.DataFrame) -> list[str]:
    """Column names with the ensemble bands folded into the column they belong to, in order."""
    return list(dict.fromkeys(C.base_name(c) for c in df.columns))


def _group(col: str) -> str | None:
    """The declared plot group of a column (None: not declared)."""
    hit = C.lookup(col)
    return None if hit is None else hit.column.group


def series(df: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
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
        a = series(df, c)[0]
        for k, b in arrays.items():
            if _same(a, b):
                groups[k].append(c)
                break
        else:
            groups[c] = [c]
            arrays[c] = a
    return groups


def first_finite(a: np.ndarray) -> float:
    finite = a[np.isfinite(a)]
    return float(finite[0]) if finite.size else float("nan")


@dataclass
class Panel:
    title: str
    ylabel: str
    columns: list[tuple[str, str]]  # (column, label)
    scale: str = "raw"  # raw | pct_baseline | percent (x100)
    who_bands: bool = False
    colors: dict[str, str] = field(default_factory=dict)


def is_patient(result: Any, df: pd.DataFrame) -> bool:
    if getattr(result, "patient", None) is not None:
        return True
    return C.AGE.name() in df.columns or any(present(df, fam.name(s)) for fam in (C.BMD, C.TSCORE) for s in SITES)


def _site_columns(df: pd.DataFrame, family: C.Column, allowed: set[str] | None) -> list[tuple[str, str]]:
    cols = [(family.name(s), SITE_LABELS[s]) for s in SITES if present(df, family.name(s))]
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


def patient_panels(df: pd.DataFrame, allowed: set[str] | None) -> list[Panel]:
    names = [c for c in _base_names(df) if c not in _TIME_COLUMNS]
    if allowed is not None:
        names = [c for c in names if c in allowed]
    used: set[str] = set()
    panels: list[Panel] = []
    colors = {fam.name(s): SITE_COLORS[s] for s in SITES for fam in (C.BMD, C.TSCORE, C.ZSCORE)}

    def panel(group: str, columns: list[tuple[str, str]], title: str | None = None, **kw) -> None:
        """A panel with the plot group's title, y label and scale (outcomes.columns.PLOT_GROUPS)."""
        default_title, ylabel, scale = C.PLOT_GROUPS[group]
        panels.append(Panel(title or default_title, ylabel, columns, scale=scale, **kw))

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
                panels.append(Panel(c, c, [(c, c)]))
    return panels


def classic_panels(result: Any, df: pd.DataFrame, allowed: set[str] | None) -> list[Panel]:
    names = [c for c in _base_names(df) if c not in _TIME_COLUMNS]
    model = getattr(result, "model", None)
    states = [s for s in (model.state_names if model is not None else ()) if s in names]
    others = [c for c in names if c not in states]
    if allowed is not None:
        return [Panel(c, c, [(c, c)]) for c in names if c in allowed]
    # an output that equals a state (bone_mass_percent == z) shares its panel: "z = bone_mass_percent"
    groups = _dedupe(df, states + others)
    return [Panel(" = ".join(g), c, [(c, " = ".join(g))]) for c, g in groups.items()]


def validate_columns(df: pd.DataFrame, columns: Sequence[str] | None) -> set[str] | None:
    if columns is None:
        return None
    if isinstance(columns, str):
        columns = [columns]
    import difflib

    allowed = _base_names(df)
    for c in columns:
        if not present(df, c):
            close = difflib.get_close_matches(c, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
            raise ValueError(f"columns: unknown column {c!r}{hint}")
    return set(columns)


def draw_panel(ax, panel: Panel, df: pd.DataFrame, x: np.ndarray, xlabel: str) -> None:
    lo_all, hi_all = math.inf, -math.inf
    pct = panel.scale == "pct_baseline"
    if pct:  # fall back to raw values when a baseline is 0 or missing
        bases = [first_finite(series(df, c)[0]) for c, _ in panel.columns]
        if not all(math.isfinite(b) and abs(b) > 1e-300 for b in bases):
            pct = False
    ylabel = panel.ylabel if (pct or panel.scale != "pct_baseline") else "value"
    stems: list[str] = []
    n_other = 0
    # several sites in one panel: colour by site, line style by quantity; otherwise one colour per line
    by_site = len({_site_of(c)[1] for c, _ in panel.columns} - {None}) > 1
    for col, label in panel.columns:
        y, lo, hi = series(df, col)
        stem, site = _site_of(col)
        if stem not in stems:
            stems.append(stem)
        style = LINESTYLES[stems.index(stem) % len(LINESTYLES)] if (by_site and site is not None) else "-"
        factor = 1.0
        if pct:
            factor = 100.0 / first_finite(y)
        elif panel.scale == "percent" and np.nanmax(np.abs(y), initial=0.0) <= 1.0:
            factor = 100.0
        elif panel.scale == "percent":
            ylabel = panel.ylabel.replace("% of", "fraction of")
        color = panel.colors.get(col)
        if color is None and by_site and site is not None:
            color = SITE_COLORS.get(site)
        elif color is None and len(panel.columns) > 1:
            color = NON_SITE_COLORS[n_other % len(NON_SITE_COLORS)]
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
        shade_who(ax, lo_all, hi_all)
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
    if len(panel.columns) > 1 or panel.who_bands or any(series(df, c)[1] is not None for c, _ in panel.columns):
        ax.legend(fontsize=7, loc="best", frameon=False)

