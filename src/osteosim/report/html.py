"""Self-contained HTML reports (no external assets, every string escaped).

:func:`trajectory_summary` reduces a patient time series to the numbers a report
table shows (start/end BMD and T-score per site, WHO category, marker and marrow-fat
change); :func:`render_patients_report` lays out a comparison of several patients.
"""
from __future__ import annotations

import datetime as _dt
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..physiology.patient import SITES
from ..physiology.who import who_category
from .plots import SITE_LABELS, WHO_BANDS

__all__ = ["trajectory_summary", "lowest_tscore", "render_patients_report", "describe_patient"]


def _col(df: pd.DataFrame, name: str) -> np.ndarray | None:
    for c in (name, f"{name}_p50"):
        if c in df.columns:
            a = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float)
            return a if np.isfinite(a).any() else None
    return None


def _ends(a: np.ndarray) -> tuple[float, float]:
    f = a[np.isfinite(a)]
    return float(f[0]), float(f[-1])


def trajectory_summary(df: pd.DataFrame) -> dict[str, Any]:
    """Start/end values of a patient run, computed from its time series only.

    Keys (present when the column exists): ``age_start``, ``age_end``; per site
    ``sites[site] = {bmd_start, bmd_end, bmd_pct_change, tscore_start, tscore_end,
    who_start, who_end}``; ``ctx_pct_change``, ``p1np_pct_change``;
    ``marrow_fat_start``, ``marrow_fat_end`` (fractions); ``lowest_tscore_end`` and
    ``who_end`` (category of the lowest site at the end).
    """
    out: dict[str, Any] = {"sites": {}}
    age = _col(df, "age")
    if age is not None:
        out["age_start"], out["age_end"] = _ends(age)
    t = _col(df, "t_years")
    if t is not None:
        out["years"] = float(np.nanmax(t) - np.nanmin(t))
    for site in SITES:
        s: dict[str, Any] = {}
        bmd = _col(df, f"bmd_{site}")
        if bmd is not None:
            s["bmd_start"], s["bmd_end"] = _ends(bmd)
            s["bmd_pct_change"] = (s["bmd_end"] / s["bmd_start"] - 1.0) * 100.0 if s["bmd_start"] else None
        ts = _col(df, f"tscore_{site}")
        if ts is not None:
            s["tscore_start"], s["tscore_end"] = _ends(ts)
            s["who_start"], s["who_end"] = who_category(s["tscore_start"]), who_category(s["tscore_end"])
        if s:
            out["sites"][site] = s
    for m in ("ctx", "p1np"):
        a = _col(df, m)
        if a is not None:
            a0, a1 = _ends(a)
            out[f"{m}_pct_change"] = (a1 / a0 - 1.0) * 100.0 if a0 else None
    fat = _col(df, "marrow_fat_fraction")
    if fat is not None:
        out["marrow_fat_start"], out["marrow_fat_end"] = _ends(fat)
    low = lowest_tscore(out)
    if low is not None:
        out["lowest_tscore_end"], out["lowest_site_end"] = low[1], low[0]
        out["who_end"] = who_category(low[1])
    return out


def lowest_tscore(summary: Mapping[str, Any], when: str = "end") -> tuple[str, float] | None:
    """(site, T-score) of the lowest site at the start or end of a :func:`trajectory_summary`."""
    vals = [(site, s[f"tscore_{when}"]) for site, s in summary.get("sites", {}).items() if f"tscore_{when}" in s]
    return min(vals, key=lambda kv: kv[1]) if vals else None


def describe_patient(patient: Any) -> str:
    """One line: sex, age and the risk factors that differ from the defaults."""
    if patient is None:
        return ""
    bits = [f"{patient.sex}, {patient.age:g} y"]
    if patient.sex == "female":
        if patient.ovariectomy_age is not None:
            bits.append(f"surgical menopause at {patient.ovariectomy_age:g}")
        if patient.menopause_age is not None:
            bits.append(f"menopause at {patient.menopause_age:g}")
    bits.append(f"BMI {patient.bmi:g}")
    bits.append(f"calcium {patient.calcium_mg_per_day:g} mg/d")
    bits.append(f"25(OH)D {patient.vitamin_d_ng_per_ml:g} ng/mL")
    bits.append(f"{patient.physical_activity} activity")
    for name, on in (("smoker", patient.smoker), ("family history of hip fracture", patient.family_history),
                     ("glucocorticoids", patient.glucocorticoids), ("prior fracture", patient.prior_fracture)):
        if on:
            bits.append(name)
    return ", ".join(bits)


# ----------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;
color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85rem;margin:.8rem 0} th,td{border:1px solid #ddd;padding:.3rem .5rem;
text-align:right} th{background:#f5f5f5} td.l,th.l{text-align:left}
.normal{background:#e8f5e9} .osteopenia{background:#fff3e0} .osteoporosis{background:#ffebee}
img{max-width:100%;border:1px solid #eee} .muted{color:#666;font-size:.85rem}
.card{margin:1.2rem 0 2rem} code{background:#f5f5f5;padding:0 .2rem}
"""


def _fmt(v: Any, spec: str = ".2f", suffix: str = "") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{v:{spec}}{suffix}"


def _who_cell(t: float | None) -> str:
    if t is None:
        return "<td>–</td>"
    cat = who_category(t)
    return f'<td class="{cat}">{t:.2f} ({html.escape(cat)})</td>'


def render_patients_report(
    entries: Sequence[Mapping[str, Any]],
    title: str = "osteosim report",
    comparison_image: str | None = None,
    citations: Iterable[Any] = (),
    intro: str = "",
    model_name: str = "",
) -> str:
    """HTML comparing patient runs.

    Each entry: ``name``, ``description`` (free text), ``patient`` (optional Patient),
    ``summary`` (a :func:`trajectory_summary`), and optional relative links ``plot``,
    ``csv``, ``json``, ``scenario``.  ``citations``: objects with ``key`` and ``text``.
    """
    e = html.escape
    now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p class='muted'>generated {e(now)}{' with model ' + e(model_name) if model_name else ''} by osteosim. "
        "A research model: not for clinical decisions.</p>",
    ]
    if intro:
        parts.append(f"<p>{e(intro)}</p>")

    # summary table ----------------------------------------------------------
    parts.append("<h2>Summary</h2><table><tr><th class='l'>patient</th><th>age</th>")
    for site in SITES:
        parts.append(f"<th>T-score {e(SITE_LABELS[site])}<br>start</th><th>end</th>")
    parts.append("<th>BMD change<br>lumbar spine</th><th>BMD change<br>total hip</th>"
                 "<th>CTX change</th><th>P1NP change</th><th>marrow fat<br>start → end</th></tr>")
    for ent in entries:
        s = ent.get("summary", {})
        sites = s.get("sites", {})
        age = f"{_fmt(s.get('age_start'), '.0f')}→{_fmt(s.get('age_end'), '.0f')}"
        row = [f"<tr><td class='l'>{e(str(ent.get('name', '')))}</td><td>{e(age)}</td>"]
        for site in SITES:
            ss = sites.get(site, {})
            row.append(_who_cell(ss.get("tscore_start")) + _who_cell(ss.get("tscore_end")))
        for site in ("lumbar_spine", "total_hip"):
            row.append(f"<td>{_fmt(sites.get(site, {}).get('bmd_pct_change'), '+.1f', ' %')}</td>")
        row.append(f"<td>{_fmt(s.get('ctx_pct_change'), '+.0f', ' %')}</td>")
        row.append(f"<td>{_fmt(s.get('p1np_pct_change'), '+.0f', ' %')}</td>")
        f0, f1 = s.get("marrow_fat_start"), s.get("marrow_fat_end")
        fat = f"{_fmt(None if f0 is None else 100 * f0, '.0f')}→{_fmt(None if f1 is None else 100 * f1, '.0f')} %"
        row.append(f"<td>{e(fat)}</td></tr>")
        parts.append("".join(row))
    parts.append("</table>")
    bands = "; ".join(
        f"<span class='{lab}'>{lab}</span>: "
        + ("T ≥ −1" if lab == "normal" else "−2.5 &lt; T &lt; −1" if lab == "osteopenia" else "T ≤ −2.5")
        for lab, *_ in WHO_BANDS
    )
    parts.append(f"<p class='muted'>WHO densitometric categories: {bands}. Changes are from the first to the last "
                 "simulated time point.</p>")

    if comparison_image:
        parts.append("<h2>Trajectories compared</h2>")
        parts.append(f"<img src='{e(comparison_image)}' alt='BMD, T-score, markers and marrow fat of all patients'>")

    # one card per patient ---------------------------------------------------
    parts.append("<h2>Patients</h2>")
    for ent in entries:
        parts.append("<div class='card'>")
        parts.append(f"<h3>{e(str(ent.get('name', '')))}</h3>")
        if ent.get("description"):
            parts.append(f"<p>{e(str(ent['description']))}</p>")
        if ent.get("patient") is not None:
            parts.append(f"<p class='muted'>{e(describe_patient(ent['patient']))}</p>")
        links = [f"<a href='{e(str(ent[k]))}'>{lab}</a>" for k, lab in
                 (("csv", "time series (CSV)"), ("json", "summary (JSON)"), ("scenario", "scenario (YAML)"))
                 if ent.get(k)]
        if links:
            parts.append("<p>" + " · ".join(links) + "</p>")
        if ent.get("plot"):
            parts.append(f"<img src='{e(str(ent['plot']))}' alt='{e(str(ent.get('name', '')))}'>")
        parts.append("</div>")

    cites = list(citations)
    if cites:
        parts.append("<h2>References used</h2><ol>")
        for c in cites:
            parts.append(f"<li><code>{e(c.key)}</code> {e(c.text)}</li>")
        parts.append("</ol>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
