"""Self-contained HTML reports (no external assets; jinja2 templates in ``report/templates/``, autoescaped).

:func:`trajectory_summary` reduces a patient time series to the numbers a report
table shows (start/end BMD and T-score per site, WHO category, marker and marrow-fat
change); :func:`render_patients_report` lays out a comparison of several patients.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..outcomes import columns as C
from ..physiology.patient import SITES
from ..physiology.who import who_category
from .style import SITE_LABELS, WHO_BANDS

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
    age = _col(df, C.AGE.name())
    if age is not None:
        out["age_start"], out["age_end"] = _ends(age)
    t = _col(df, C.T_YEARS.name())
    if t is not None:
        out["years"] = float(np.nanmax(t) - np.nanmin(t))
    for site in SITES:
        s: dict[str, Any] = {}
        bmd = _col(df, C.BMD.name(site))
        if bmd is not None:
            s["bmd_start"], s["bmd_end"] = _ends(bmd)
            s["bmd_pct_change"] = (s["bmd_end"] / s["bmd_start"] - 1.0) * 100.0 if s["bmd_start"] else None
        ts = _col(df, C.TSCORE.name(site))
        if ts is not None:
            s["tscore_start"], s["tscore_end"] = _ends(ts)
            s["who_start"], s["who_end"] = who_category(s["tscore_start"]), who_category(s["tscore_end"])
        if s:
            out["sites"][site] = s
    for m in (C.CTX.name(), C.P1NP.name()):
        a = _col(df, m)
        if a is not None:
            a0, a1 = _ends(a)
            out[f"{m}_pct_change"] = (a1 / a0 - 1.0) * 100.0 if a0 else None
    fat = _col(df, C.MARROW_FAT.name())
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
#: the WHO rule of each densitometric category, as the report's legend states it
_WHO_RULES = {"normal": "T ≥ −1", "osteopenia": "−2.5 < T < −1", "osteoporosis": "T ≤ −2.5"}


def render_patients_report(
    entries: Sequence[Mapping[str, Any]],
    title: str = "osteosim report",
    comparison_image: str | None = None,
    citations: Iterable[Any] = (),
    intro: str = "",
    model_name: str = "",
) -> str:
    """HTML comparing patient runs (template ``report/templates/patients.html.j2``).

    Each entry: ``name``, ``description`` (free text), ``patient`` (optional Patient),
    ``summary`` (a :func:`trajectory_summary`), and optional relative links ``plot``,
    ``csv``, ``json``, ``scenario``.  ``citations``: :class:`~osteosim.citations.Citation` objects
    (shown as full references).
    """
    from .templating import render

    return render(
        "patients.html.j2",
        title=title,
        generated=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        model_name=model_name,
        intro=intro,
        entries=[dict(ent, patient_line=describe_patient(ent.get("patient"))) for ent in entries],
        sites=SITES,
        site_labels=SITE_LABELS,
        who_bands=[{"label": lab, "rule": _WHO_RULES[lab]} for lab, *_ in WHO_BANDS],
        comparison_image=comparison_image,
        citations=list(citations),
    )
