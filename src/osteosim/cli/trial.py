"""``osteosim trial`` (virtual clinical trials) and ``osteosim risk`` (10-year fracture probabilities)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from .console import _console, _is_tty
from .errors import _fail, _user_errors
from .output import _check_out, _references_line


def _progress_bar():
    """A rich progress bar with ETA on stderr, only on a terminal."""
    if not _is_tty(sys.stderr):
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("patients"),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=_console(stderr=True),
                    transient=True)


def trial(
    trial_file: str = typer.Argument(..., metavar="TRIAL", help="Trial YAML file (see examples/trials/)."),
    out: str = typer.Option(..., "--out", "-o", help="Output directory (summary.json, patients.parquet, report.html); "
                            "running again into the same directory resumes."),
    workers: int = typer.Option(None, "--workers", help="Local worker processes (default: one in-process worker)."),
    scheduler: str = typer.Option(None, "--scheduler", help="Address of an existing Dask scheduler."),
    seed: int = typer.Option(None, "--seed", help="Override the trial file's seed."),
    chunk_size: int = typer.Option(256, "--chunk-size", help="Patients per task (a multiple of the solver block)."),
    block: int = typer.Option(None, "--block", hidden=True, help="Solver lanes per compiled call (tests use small blocks)."),
    json_out: bool = typer.Option(False, "--json", help="Print the summary JSON to stdout."),
    hazard: str = typer.Option(None, "--hazard", help="Fracture hazard: bmd (gradient of risk per SD of BMD) or "
                               "strength (load over strength); default: the trial file's population.fracture_hazard "
                               "(bmd when absent)."),
    parameter_draws: int = typer.Option(None, "--parameter-draws", help="Parameter sets to draw (as simulate "
                                        "--ensemble draws them: MSC and unfitted drug parameters) and run on the same "
                                        "patients; the summary then separates patient sampling from parameter "
                                        "uncertainty. Overrides the trial file's uncertainty.parameter_draws; 0: none."),
    parameter_seed: int = typer.Option(None, "--parameter-seed", help="Seed of the parameter draws (default: the "
                                       "trial file's uncertainty.seed, else the ensemble's)."),
) -> None:
    """Run (or resume) a virtual clinical trial and write DIR/summary.json, DIR/patients.parquet, DIR/report.html."""
    from ..io_utils import to_jsonable
    from ..trials import TrialSpec, run_trial

    with _user_errors():
        if workers is not None and workers < 1:
            raise ValueError(f"--workers: {workers} is not allowed (a whole number >= 1)")
        if workers is not None and scheduler:
            raise ValueError("--workers and --scheduler: give one (local processes, or an existing cluster)")
        if seed is not None and seed < 0:
            raise ValueError(f"--seed: {seed} is not allowed (a whole number >= 0)")
        if chunk_size < 1:
            raise ValueError(f"--chunk-size: {chunk_size} is not allowed (a whole number >= 1)")
        out_dir = _check_out(Path(out))
        spec = TrialSpec.from_yaml(trial_file)
        if hazard is not None:
            from ..outcomes.fracture import HAZARDS

            if hazard not in HAZARDS:
                raise ValueError(f"--hazard: {hazard!r} is not allowed ({' or '.join(HAZARDS)})")
            data = spec.model_dump(mode="json")
            data["population"]["fracture_hazard"] = hazard
            spec = TrialSpec.from_mapping(data, source=trial_file)
        if parameter_draws is not None or parameter_seed is not None:
            spec = _with_uncertainty(spec, parameter_draws, parameter_seed, trial_file)
        bar = _progress_bar()
        task = None

        def progress(done: int, total: int) -> None:
            nonlocal task
            if bar is None:
                return
            if task is None:
                task = bar.add_task(spec.name, total=total, completed=done)
            bar.update(task, completed=done)

        if bar is not None:
            bar.start()
        try:
            summary = run_trial(spec, out_dir, workers=workers, scheduler=scheduler, seed=seed, progress=progress,
                                chunk_size=chunk_size, block=block)
        finally:
            if bar is not None:
                bar.stop()
    if json_out:
        typer.echo(json.dumps(to_jsonable(summary), indent=2, allow_nan=False))
    else:
        print_trial_table(summary, out_dir)


def _with_uncertainty(spec, draws: int | None, seed: int | None, source: str):
    """The trial with ``--parameter-draws`` / ``--parameter-seed`` in its ``uncertainty`` (validated here)."""
    from ..trials import TrialSpec
    from ..trials.spec import MAX_PARAMETER_DRAWS

    if draws is not None and not (0 <= draws <= MAX_PARAMETER_DRAWS):
        raise ValueError(f"--parameter-draws: {draws} is not allowed (a whole number 0..{MAX_PARAMETER_DRAWS})")
    if seed is not None and seed < 0:
        raise ValueError(f"--parameter-seed: {seed} is not allowed (a whole number >= 0)")
    data = spec.model_dump(mode="json")
    unc = dict(data.get("uncertainty") or {})
    if draws is not None:
        unc["parameter_draws"] = draws
    if seed is not None:
        unc["seed"] = seed
    data["uncertainty"] = unc
    return TrialSpec.from_mapping(data, source=source)


def print_trial_table(summary: dict, out_dir: Path | None = None) -> None:
    from rich.markup import escape
    from rich.table import Table

    from ..outcomes.fracture import ENDPOINT_KINDS
    from ..physiology.sites import SITE_BY_NAME, SITES

    last = summary["visits_months"][-1]
    t = Table(title=f"{escape(summary['trial'])}: {summary['patients_per_arm']:,} per arm, {summary['years']:g} years. "
                    f"BMD: mean % change at month {last}. Fractures: patients with >= 1 (%)")
    t.add_column("arm")
    for s in SITES:
        t.add_column(f"{SITE_BY_NAME[s].abbr} %", justify="right")
    kinds = ENDPOINT_KINDS
    for k in kinds:
        t.add_column(k, justify="right")
    for arm, a in summary["arms"].items():
        row = [escape(arm)]
        for s in SITES:
            v = a["bmd_pct_change"][s].get(last)
            row.append("–" if v is None else f"{v['mean']:+.2f}")
        for k in kinds:
            fr = a["fractures"][k]
            row.append(f"{fr['events']} ({100 * fr['incidence']:.1f})")
        t.add_row(*row)
    con = _console()
    con.print(t)
    if summary.get("fracture_predictions"):
        con.print(_predictions_table(summary))
    if summary.get("uncertainty"):
        con.print(_uncertainty_table(summary))
    if out_dir is not None:
        con.print(f"wrote {out_dir / 'summary.json'}, {out_dir / 'patients.parquet'}, {out_dir / 'report.html'}")
        con.print(_references_line(summary, out_dir / "summary.json"), markup=False)


def _ratio(r: float | None, ci) -> str:
    if r is None:
        return "–"
    return f"{r:.2f}" + (f" ({ci[0]:.2f}-{ci[1]:.2f})" if ci and ci[0] is not None else "")


def _predictions_table(summary: dict):
    """Simulated fracture ratios (all predictions) next to the published ones (trials.predictions)."""
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=f"Fracture ratios vs {escape(summary['control'])}: simulated = predicted (nothing fitted to a "
                    f"treated arm's fractures), published where the trial reports one; 95% CI")
    for col in ("arm", "kind", "month", "measure"):
        t.add_column(col)
    t.add_column("simulated", justify="right")
    t.add_column("status")
    t.add_column("published", justify="right")
    t.add_column("inside published CI")
    for r in summary["fracture_predictions"]:
        month = (f"{r['window_start']:g}-" if r["window_start"] else "") + f"{r['month']:g}"
        if r["published_month"] is not None and r["published_month"] != r["month"]:
            month += f" (pub. {r['published_month']:g})"
        pub = _ratio(r["published"], r["published_ci95"]) + (" c" if r["published_ci_from_counts"] else "")
        inside = {None: "–", True: "yes", False: "no"}[r["within_published_ci"]]
        t.add_row(escape(r["arm"]), r["kind"], month, r["measure"], _ratio(r["simulated"], r["simulated_ci95"]),
                  r["status"], pub, inside)
    if any(r["published_ci_from_counts"] for r in summary["fracture_predictions"]):
        t.caption = "c: CI computed from the published counts (log method), the paper's own CI not at hand"
    return t


def _uncertainty_table(summary: dict):
    """Per arm: BMD change at the last visit, incidence, RR and HR, each with the three intervals
    (trials/uncertainty.py); notes as numbered footnotes."""
    from rich.markup import escape
    from rich.table import Table

    from ..physiology.sites import SITE_BY_NAME

    u = summary["uncertainty"]
    last = summary["visits_months"][-1]
    fmt = {"bmd_pct_change": lambda v: f"{v:+.2f}", "incidence": lambda v: f"{100 * v:.1f}",
           "relative_risk": lambda v: f"{v:.2f}", "hazard_ratio": lambda v: f"{v:.2f}"}
    label = {"bmd_pct_change": "BMD % chg", "incidence": "incidence %", "relative_risk": "RR", "hazard_ratio": "HR"}

    def iv(endpoint: str, pair) -> str:
        if not pair or pair[0] is None:
            return "–"
        return f"{fmt[endpoint](pair[0])} to {fmt[endpoint](pair[1])}"

    title = (f"Parameter uncertainty: {u['parameter_draws']} draws (seed {u['seed']}) on the same patients; 95 % "
             f"intervals. BMD at month {last}")
    t = Table(title=escape(title))
    for col in ("arm", "endpoint", "nominal", "sampling CI", "parameter", "total", "note"):
        t.add_column(col, justify="right" if col in ("nominal", "sampling CI", "parameter", "total") else "left")
    notes: dict[str, int] = {}
    for r in u["endpoints"]:
        if r["endpoint"] == "bmd_pct_change" and r["month"] != last:
            continue
        where = SITE_BY_NAME[r["site"]].abbr if r.get("site") else r["kind"]
        nom = "–" if r["nominal"] is None else fmt[r["endpoint"]](r["nominal"])
        ref = "" if r["note"] is None else f"[{notes.setdefault(r['note'], len(notes) + 1)}]"
        t.add_row(escape(r["arm"]), f"{label[r['endpoint']]} {where}", nom, iv(r["endpoint"], r["sampling_ci95"]),
                  iv(r["endpoint"], r["parameter_interval"]), iv(r["endpoint"], r["total_interval"]), escape(ref))
    lines = [] if u["sampled"] else [f"not sampled: {u['reason']}"]
    lines += [f"[{i}] {n}" for n, i in notes.items()]
    lines.append("sampling: patients at nominal parameters; parameter: 2.5-97.5 % of the estimate over the draws; "
                 "total: mixture of the draws' sampling distributions")
    t.caption = escape("\n".join(lines))
    return t


def risk(
    age: float = typer.Option(65.0, "--age", help="Age, years (40-90)."),
    sex: str = typer.Option("female", "--sex", help="female | male."),
    bmi: float = typer.Option(26.0, "--bmi", help="Body-mass index, kg/m^2."),
    tscore_femoral_neck: float = typer.Option(None, "--tscore-femoral-neck", help="Femoral-neck T-score (for the with-BMD probability)."),
    tscore_lumbar_spine: float = typer.Option(None, "--tscore-lumbar-spine", help="Lumbar-spine T-score (optional)."),
    prior_fracture: bool = typer.Option(False, "--prior-fracture", help="Prior fragility fracture."),
    prior_vertebral_fracture: bool = typer.Option(False, "--prior-vertebral-fracture", help="Prevalent vertebral fracture."),
    family_history: bool = typer.Option(False, "--parental-hip-fracture", help="Parental hip fracture."),
    smoker: bool = typer.Option(False, "--smoker", help="Current smoking."),
    glucocorticoids: bool = typer.Option(False, "--glucocorticoids", help="Current oral glucocorticoids."),
    country: str = typer.Option("us", "--country", help="Incidence and mortality tables: us (default; Caucasian, "
                                "NIS 2006 hip incidence, SSA life table) | uk (CPRD / ONS) | norway (Fracture2026, "
                                "the Harstad incidences the trial engine uses; the default before --country existed)."),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """A patient's 10-year probabilities (%) of hip and major osteoporotic fracture, with and without BMD."""
    from pydantic import ValidationError

    from ..outcomes.fracture import RISK_AGE_RANGE, ten_year_probability
    from ..parameters.fracture_countries import check_country, country_citations, country_label
    from ..physiology.patient import Patient
    from ..validation import format_validation_error

    with _user_errors():
        try:
            check_country(country)
        except ValueError as exc:
            raise ValueError(f"--{exc}") from None
        lo, hi = RISK_AGE_RANGE
        if not (lo <= age <= hi):
            raise ValueError(f"--age: {age:g} is not allowed ({lo:g}..{hi:g} years, the range of the fracture model's inputs)")
        if sex not in ("female", "male"):
            raise ValueError(f"--sex: {sex!r} is not allowed (female | male)")
        try:
            patient = Patient(age=age, sex=sex, bmi=bmi, smoker=smoker, family_history=family_history,
                              glucocorticoids=glucocorticoids, prior_fracture=prior_fracture,
                              tscore_femoral_neck=tscore_femoral_neck, tscore_lumbar_spine=tscore_lumbar_spine)
        except ValidationError as exc:
            _fail(format_validation_error(exc))
        out = {"patient": patient.model_dump(exclude_none=True), "prior_vertebral_fracture": prior_vertebral_fracture,
               "country": country, "tables": country_label(country),
               "citations": list(country_citations(country)),
               "without_bmd": ten_year_probability(patient, use_bmd=False, prior_vertebral=prior_vertebral_fracture,
                                                   country=country)}
        out["with_bmd"] = (ten_year_probability(patient, use_bmd=True, prior_vertebral=prior_vertebral_fracture,
                                                country=country)
                           if tscore_femoral_neck is not None else None)
    if json_out:
        typer.echo(json.dumps(out, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=f"10-year fracture probability (%), {sex}, {age:g} y (competing mortality; "
                    f"{escape(out['tables'])})")
    t.add_column("")
    t.add_column("hip", justify="right")
    t.add_column("major osteoporotic", justify="right")
    for label, key in (("without BMD", "without_bmd"), ("with BMD (FN T-score)", "with_bmd")):
        v = out[key]
        t.add_row(label, *(["–", "–"] if v is None else [f"{v['hip']:.1f}", f"{v['major_osteoporotic']:.1f}"]))
    _console().print(t)
