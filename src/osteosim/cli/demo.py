"""``osteosim demo``: contrasting demo patients, per-patient results and one report.html."""
from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import typer
import yaml

from .console import _console, _f, _is_tty
from .errors import _solve, _user_errors
from .output import _check_out, _result_files, _write_files


#: contrasting demo patients: (slug, label, description, Patient fields)
DEMO_PATIENTS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    (
        "high_risk_woman",
        "High-risk woman, 52",
        "A 52-year-old woman one year after menopause with low calcium intake and vitamin D, sedentary, "
        "a smoker, low BMI, with a parental hip fracture.",
        dict(sex="female", age=52, menopause_age=51, bmi=20, calcium_mg_per_day=450, vitamin_d_ng_per_ml=12,
             physical_activity="sedentary", smoker=True, family_history=True),
    ),
    (
        "healthy_active_woman",
        "Healthy active woman, 52",
        "A 52-year-old woman one year after menopause with good calcium and vitamin D, physically very active, "
        "non-smoker, no family history.",
        dict(sex="female", age=52, menopause_age=51, bmi=24, calcium_mg_per_day=1200, vitamin_d_ng_per_ml=32,
             physical_activity="high"),
    ),
    (
        "man",
        "Man, 52",
        "A 52-year-old man with average risk factors: no menopause, slow age-related loss.",
        dict(sex="male", age=52, bmi=27, calcium_mg_per_day=900, vitamin_d_ng_per_ml=25,
             physical_activity="moderate"),
    ),
    (
        "surgical_menopause_45",
        "Surgical menopause at 45",
        "A woman with bilateral oophorectomy at 45, simulated from 45: abrupt estrogen loss, years earlier "
        "than natural menopause.",
        dict(sex="female", age=45, ovariectomy_age=45, bmi=25, calcium_mg_per_day=800, vitamin_d_ng_per_ml=25,
             physical_activity="moderate"),
    ),
    (
        "glucocorticoid_user",
        "Glucocorticoid user, 52",
        "A 52-year-old woman one year after menopause on long-term oral glucocorticoids (>= 5 mg prednisolone/day).",
        dict(sex="female", age=52, menopause_age=51, bmi=26, calcium_mg_per_day=800, vitamin_d_ng_per_ml=25,
             physical_activity="low", glucocorticoids=True),
    ),
)


def _demo_progress(total: int):
    if not _is_tty(sys.stderr):
        return None
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=_console(stderr=True), transient=True)


def demo(
    out: str = typer.Option("out/demo", "--out", "-o", help="Output directory for the report."),
    years: float = typer.Option(20.0, "--years", help="Years simulated for each patient."),
) -> None:
    """Simulate contrasting demo patients and write per-patient results, plots and report.html."""
    from .. import citations as cit
    from ..io_utils import atomic_output_dir, to_jsonable
    from ..models.base import MODEL_REGISTRY
    from ..physiology.patient import Patient
    from ..report.html import render_patients_report, trajectory_summary
    from ..report.plots import plot_comparison
    from ..report.style import figure_png_bytes
    from ..scenario import DEFAULT_PATIENT_MODEL
    from ..simulation import Simulation

    with _user_errors():
        if DEFAULT_PATIENT_MODEL not in MODEL_REGISTRY:
            allowed = ", ".join(sorted(MODEL_REGISTRY))
            raise ValueError(
                f"demo: the patient-driven model {DEFAULT_PATIENT_MODEL!r} is not available in this version "
                f"(models: {allowed})"
            )
        if not (0 < years <= 100):
            raise ValueError(f"--years: {years:g} is outside the allowed range (0, 100]")
        out_dir = _check_out(Path(out))
        patients = [(slug, label, desc, Patient(**kw)) for slug, label, desc, kw in DEMO_PATIENTS]

        runs = []
        progress = _demo_progress(len(patients))
        ctx = progress if progress is not None else contextlib.nullcontext()
        with ctx:
            task = progress.add_task("simulating demo patients", total=len(patients)) if progress else None
            for slug, label, desc, patient in patients:
                res = _solve(Simulation(patient=patient, model=DEFAULT_PATIENT_MODEL, years=years), slug)
                runs.append((slug, label, desc, patient, res))
                if progress is not None:
                    progress.advance(task)

        files: dict[str, bytes] = {}
        entries = []
        overview: dict[str, Any] = {"model": DEFAULT_PATIENT_MODEL, "years": years, "patients": {}}
        failed = []
        for slug, label, desc, patient, res in runs:
            for name, data in _result_files(res).items():
                files[f"{slug}/{name}"] = data
            scen = {"model": DEFAULT_PATIENT_MODEL, "patient": patient.model_dump(exclude_none=True),
                    "years": years}
            files[f"{slug}/scenario.yaml"] = yaml.safe_dump(scen, sort_keys=False).encode()
            traj = trajectory_summary(res.timeseries)
            entries.append({"name": label, "description": desc, "patient": patient, "summary": traj,
                            "plot": f"{slug}/plot.png", "csv": f"{slug}/timeseries.csv",
                            "json": f"{slug}/summary.json", "scenario": f"{slug}/scenario.yaml"})
            overview["patients"][slug] = {"name": label, "patient": patient.model_dump(), "trajectory": traj,
                                          "summary": res.summary}
            if res.summary.get("solver_ok") is False:
                failed.append(slug)
        files["comparison.png"] = figure_png_bytes(
            plot_comparison({label: res for _, label, _, _, res in runs},
                            title=f"Demo patients over {years:g} years ({DEFAULT_PATIENT_MODEL})")
        )
        used = cit.resolve(c.key for _, _, _, _, res in runs for c in res.citations)
        overview["citations"] = [c.to_dict() for c in used]
        files["summary.json"] = (json.dumps(to_jsonable(overview), indent=2, allow_nan=False) + "\n").encode()
        files["report.html"] = render_patients_report(
            entries,
            title="osteosim demo: five patients, twenty years" if years == 20 else "osteosim demo",
            comparison_image="comparison.png",
            citations=used,
            intro=("Contrasting risk profiles simulated with the same model from their current age. Each row "
                   "starts from the BMD the model predicts for that history; T-scores use the NHANES III "
                   "young-adult references."),
            model_name=DEFAULT_PATIENT_MODEL,
        ).encode()
        with atomic_output_dir(out_dir) as tmp:
            _write_files(tmp, files)

    _print_demo_table(entries, out_dir, used)
    if failed:
        typer.echo(f"warning: the solver did not finish for {', '.join(failed)}", err=True)
        raise typer.Exit(1)


def _print_demo_table(entries, out_dir: Path, used) -> None:
    from rich.markup import escape
    from rich.table import Table

    from ..physiology.sites import SITE_TABLE
    from ..report.style import SITE_ABBR

    con = _console()
    t = Table(title="Demo patients: T-score start → end (coloured by WHO category)")
    t.add_column("patient", no_wrap=True)
    t.add_column("age", justify="right", no_wrap=True)
    for st in SITE_TABLE:
        t.add_column(st.lower_label, justify="right", no_wrap=True)
    t.add_column("WHO at end", no_wrap=True)
    t.add_column("BMD LS", justify="right")
    t.add_column("CTX", justify="right")
    t.add_column("marrow fat", justify="right")
    style = {"normal": "green", "osteopenia": "yellow", "osteoporosis": "red"}
    for e in entries:
        s = e["summary"]
        row = [escape(e["name"]), f"{s.get('age_start', 0):.0f}→{s.get('age_end', 0):.0f}"]
        for st in SITE_TABLE:
            v = s["sites"].get(st.name, {})
            if "tscore_end" in v:
                c0, c1 = style.get(v["who_start"], "default"), style.get(v["who_end"], "default")
                row.append(f"[{c0}]{v['tscore_start']:+.1f}[/] → [{c1}]{v['tscore_end']:+.1f}[/]")
            else:
                row.append("–")
        cat = s.get("who_end")
        row.append(f"[{style[cat]}]{cat}[/] ({SITE_ABBR.get(s.get('lowest_site_end'), '')})" if cat in style else "–")
        row.append(_f(s["sites"].get("lumbar_spine", {}).get("bmd_pct_change"), "+.1f", " %"))
        row.append(_f(s.get("ctx_pct_change"), "+.0f", " %"))
        f0, f1 = s.get("marrow_fat_start"), s.get("marrow_fat_end")
        row.append("–" if f0 is None else f"{100 * f0:.0f} → {100 * f1:.0f} %")
        t.add_row(*row)
    con.print(t)
    con.print(f"report: {escape(str(out_dir / 'report.html'))}")
    if used:
        con.print("\nReferences used:")
        for c in used:
            con.print(f"[{c.key}] {c.reference}", markup=False, soft_wrap=True)
