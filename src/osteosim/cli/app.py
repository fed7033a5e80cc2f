"""The ``osteosim`` command line (typer + rich).

Commands: ``simulate``, ``models``, ``params``, ``citations``, ``demo``.

Errors a user can make (bad scenario, unknown model, missing file, bad option)
end the command with exit code 2 and exactly one line on stderr
(``error: <field>: <value> ... <allowed>``), never a traceback, and leave no
output behind: outputs are built in a temporary sibling of ``--out`` and
renamed into place only when complete.  Set ``OSTEOSIM_DEBUG=1`` to get the
traceback instead.
"""
from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import typer
import yaml
from pydantic import ValidationError

__all__ = ["app", "main", "DEMO_PATIENTS"]

app = typer.Typer(
    name="osteosim",
    help="osteosim: bone remodeling, lifetime physiology, therapies and virtual trials in silico.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_USER_ERROR = 2

# ----------------------------------------------------------------------------
# error handling


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def _fail(message: str, code: int = EXIT_USER_ERROR) -> NoReturn:
    typer.echo(f"error: {_one_line(message)}", err=True)
    raise typer.Exit(code)


def _debug() -> bool:
    return os.environ.get("OSTEOSIM_DEBUG", "").strip() not in ("", "0", "false", "no")


def user_error_message(exc: BaseException) -> str | None:
    """One-line message for a known user error, or None for anything else (a bug)."""
    from ..scenario import format_validation_error

    if isinstance(exc, ValidationError):
        return format_validation_error(exc)
    if isinstance(exc, yaml.YAMLError):
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        return f"invalid YAML{where}: {getattr(exc, 'problem', None) or exc}"
    if isinstance(exc, FileNotFoundError):
        name = exc.filename or (exc.args[0] if exc.args else "")
        return f"file not found: {name}" if exc.filename else str(exc)
    if isinstance(exc, OSError):
        if exc.filename:
            return f"{exc.filename}: {exc.strerror or exc}"
        return str(exc)
    if isinstance(exc, ValueError):
        return str(exc)
    return None


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Turn known user errors into exit code 2 and one line on stderr."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except (ValueError, yaml.YAMLError, OSError) as exc:
        if _debug():
            raise
        msg = user_error_message(exc)
        if msg is None:  # pragma: no cover - all three classes give a message
            raise
        _fail(msg)


def _console(stderr: bool = False):
    """A rich console; off a terminal (pipes, files, tests) tables get 140 columns, not rich's 80."""
    from rich.console import Console

    width = None
    if not _is_tty(sys.stderr if stderr else sys.stdout) and not os.environ.get("COLUMNS"):
        width = 140
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:  # pragma: no cover
        return False


@contextlib.contextmanager
def _status(message: str) -> Iterator[None]:
    """A spinner on stderr, only on a terminal (pipes and tests see nothing)."""
    if not _is_tty(sys.stderr):
        yield
        return
    with _console(stderr=True).status(message):
        yield


def _version_callback(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"osteosim {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """osteosim: bone remodeling, lifetime physiology, therapies and virtual trials in silico."""


# ----------------------------------------------------------------------------
# simulate


def _ordered_timeseries(df):
    """The time columns first (the contract's leading t_years, age; outcomes.columns), then the rest in model order."""
    from ..outcomes.columns import ordered

    return df[ordered(list(df.columns))]


def _result_files(result) -> dict[str, bytes]:
    """The three files of a run, rendered in memory (nothing touches the disk yet)."""
    from ..io_utils import to_jsonable
    from ..report.plots import figure_png_bytes, plot_result

    df = _ordered_timeseries(result.timeseries)
    csv = df.to_csv(index=False, float_format="%.10g").encode()
    summary = json.dumps(to_jsonable(result.summary), indent=2, allow_nan=False) + "\n"
    png = figure_png_bytes(plot_result(result))
    return {"timeseries.csv": csv, "summary.json": summary.encode(), "plot.png": png}


def _write_files(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _check_out(out: Path) -> Path:
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out: {out} exists and is not a directory")
    anc = out.parent
    while not anc.exists() and anc != anc.parent:
        anc = anc.parent
    if anc.exists() and not anc.is_dir():
        raise ValueError(f"--out: {anc} is not a directory")
    if anc.exists() and not os.access(anc, os.W_OK):
        raise ValueError(f"--out: {anc} is not writable")
    return out


@app.command()
def simulate(
    scenario: str = typer.Argument(..., help="Scenario YAML file (see examples/scenarios/)."),
    out: str = typer.Option(..., "--out", "-o", help="Output directory (timeseries.csv, summary.json, plot.png)."),
    json_out: bool = typer.Option(False, "--json", help="Print the summary JSON to stdout."),
    ensemble: int = typer.Option(1, "--ensemble", help="Number of parameter draws (uncertainty bands)."),
    seed: int = typer.Option(None, "--seed", help="Seed of the ensemble's Latin hypercube (default: a fixed seed)."),
) -> None:
    """Run one scenario and write DIR/timeseries.csv, DIR/summary.json and DIR/plot.png."""
    from ..io_utils import atomic_output_dir, to_jsonable
    from ..scenario import load_scenario

    with _user_errors():
        if ensemble < 1:
            raise ValueError(f"--ensemble: {ensemble} is not allowed (a whole number >= 1)")
        out_dir = _check_out(Path(out))
        scen = load_scenario(scenario)
        sim = scen.simulation()
        with _status(f"simulating {scen.model} for {sim.years if sim.years is not None else 'default'} years"):
            if ensemble > 1:
                from ..outcomes.ensemble import DEFAULT_SEED, run_ensemble

                result = _solve(sim, run=lambda s: run_ensemble(s, ensemble, DEFAULT_SEED if seed is None else seed))
            else:
                result = _solve(sim)
        files = _result_files(result)
        with atomic_output_dir(out_dir) as tmp:
            _write_files(tmp, files)

    summary = to_jsonable(result.summary)
    if json_out:
        typer.echo(json.dumps(summary, indent=2, allow_nan=False))
    else:
        _print_run_summary(result, out_dir)
    if summary.get("solver_ok") is False:
        typer.echo(
            "warning: the solver did not reach the end of the run (solver_ok = false); "
            f"see {out_dir / 'summary.json'}",
            err=True,
        )
        raise typer.Exit(1)


def _solve(sim, label: str = "", run=None):
    """Solve (or ``run(sim)``); a solver breakdown (RuntimeError) is one line and exit code 1, not a traceback."""
    try:
        return run(sim) if run is not None else sim.solve()
    except RuntimeError as exc:
        if _debug():
            raise
        _fail(f"{label + ': ' if label else ''}{exc}", code=1)


def _print_run_summary(result, out_dir: Path) -> None:
    from rich.markup import escape
    from rich.table import Table

    from ..report.html import trajectory_summary
    from ..report.plots import SITE_LABELS

    con = _console()
    df = result.timeseries
    if result.patient is not None:
        s = trajectory_summary(df)
        t = Table(title=f"{escape(result.model.name)}: age {s.get('age_start', 0):.0f} → {s.get('age_end', 0):.0f}")
        for c in ("site", "BMD start", "BMD end", "change", "T-score start", "T-score end", "WHO at end"):
            t.add_column(c, justify="left" if c in ("site", "WHO at end") else "right")
        for site, v in s["sites"].items():
            t.add_row(
                SITE_LABELS.get(site, site),
                _f(v.get("bmd_start"), ".3f"), _f(v.get("bmd_end"), ".3f"), _f(v.get("bmd_pct_change"), "+.1f", " %"),
                _f(v.get("tscore_start"), ".2f"), _f(v.get("tscore_end"), ".2f"), v.get("who_end", "–"),
            )
        con.print(t)
        ens = result.summary.get("ensemble")
        if ens and ens["parameters"]:
            bands = ", ".join(f"{SITE_LABELS.get(k, k)} {v['p05']:+.1f} to {v['p95']:+.1f} %"
                              for k, v in ens["bmd_pct_change"].items())
            con.print(f"ensemble: {ens['draws']} draws over {len(ens['parameters'])} uncertain parameters; "
                      f"BMD change 5–95 %: {escape(bands)}")
    else:
        t = Table(title=f"{escape(result.model.name)}: final state")
        t.add_column("state")
        t.add_column("start", justify="right")
        t.add_column("end", justify="right")
        for name in result.model.state_names:
            if name in df.columns:
                t.add_row(escape(name), f"{df[name].iloc[0]:.6g}", f"{df[name].iloc[-1]:.6g}")
        con.print(t)
    con.print(f"wrote {escape(str(out_dir))}/ (timeseries.csv, summary.json, plot.png)")


def _f(v, spec: str, suffix: str = "") -> str:
    if v is None:
        return "–"
    return f"{v:{spec}}{suffix}"


# ----------------------------------------------------------------------------
# models, params, citations


@app.command()
def models() -> None:
    """List the model zoo."""
    from rich.markup import escape
    from rich.table import Table

    from ..models.base import MODEL_REGISTRY

    t = Table(title="osteosim model zoo")
    t.add_column("name", no_wrap=True)
    t.add_column("kind")
    t.add_column("description")
    t.add_column("states")
    for name, cls in sorted(MODEL_REGISTRY.items()):
        try:
            inst = cls()
            states = tuple(inst.state_names)
            kind = "patient" if getattr(inst, "uses_patient", False) else "classic"
        except Exception:  # a model that cannot build without arguments still gets listed
            states = tuple(getattr(cls, "state_names", ()))
            kind = "patient" if getattr(cls, "uses_patient", False) else "classic"
        shown = ", ".join(states[:12]) + (f", … ({len(states)} in all)" if len(states) > 12 else "")
        t.add_row(escape(name), kind, escape(getattr(cls, "description", "") or ""), escape(shown))
    _console().print(t)


@app.command()
def params(
    model: str = typer.Argument(..., help="Model name (see `osteosim models`)."),
    markdown: bool = typer.Option(False, "--markdown", help="Print a Markdown table instead."),
) -> None:
    """Show a model's default parameter set: value, unit, description and source of every parameter."""
    from rich.markup import escape
    from rich.table import Table

    from ..models.base import get_model

    with _user_errors():
        ps = get_model(model).default_parameters()
    if markdown:
        typer.echo(ps.to_markdown(), nl=False)
        return
    t = Table(title=f"parameter set {escape(ps.name)}", caption=escape(ps.description) if ps.description else None)
    t.add_column("name", no_wrap=True)
    t.add_column("value", justify="right")
    t.add_column("unit")
    t.add_column("description")
    t.add_column("source")
    for p in ps.values():
        src = p.source + (f" [{', '.join(p.cite)}]" if p.cite else "")
        t.add_row(escape(p.name), f"{p.value:.6g}", escape(p.unit), escape(p.description), escape(src))
    _console().print(t)


@app.command()
def citations(
    all_: bool = typer.Option(False, "--all", help="List every registered reference."),
) -> None:
    """References a default run uses (with --all: every registered reference)."""
    from .. import citations as cit
    from ..models.base import MODEL_REGISTRY

    cites = None
    if not all_ and "Osteosim" in MODEL_REGISTRY:
        with contextlib.suppress(Exception):
            from ..models.base import get_model

            before = [c.key for c in cit.used()]
            cit.cite("osteosim")
            get_model("Osteosim").default_parameters().cite()
            cites = [c for c in cit.used() if c.key not in before or c.key == "osteosim"]
            cites = cites or cit.used()
    if cites is None:
        cites = cit.all_citations()
    con = _console()
    for c in cites:
        con.print(f"[{c.key}] {c.text}", markup=False, soft_wrap=True)


# ----------------------------------------------------------------------------
# demo

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


@app.command()
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
    from ..report.plots import figure_png_bytes, plot_comparison
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
        used = cit.used()
        overview["citations"] = [c.key for c in used]
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

    from ..report.plots import SITE_ABBR

    con = _console()
    t = Table(title="Demo patients: T-score start → end (coloured by WHO category)")
    t.add_column("patient", no_wrap=True)
    t.add_column("age", justify="right", no_wrap=True)
    for lab in ("lumbar spine", "total hip", "femoral neck"):
        t.add_column(lab, justify="right", no_wrap=True)
    t.add_column("WHO at end", no_wrap=True)
    t.add_column("BMD LS", justify="right")
    t.add_column("CTX", justify="right")
    t.add_column("marrow fat", justify="right")
    style = {"normal": "green", "osteopenia": "yellow", "osteoporosis": "red"}
    for e in entries:
        s = e["summary"]
        row = [escape(e["name"]), f"{s.get('age_start', 0):.0f}→{s.get('age_end', 0):.0f}"]
        for site in ("lumbar_spine", "total_hip", "femoral_neck"):
            v = s["sites"].get(site, {})
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
            con.print(f"[{c.key}] {c.text}", markup=False, soft_wrap=True)


@app.command("export-sbml")
def export_sbml_cmd(
    model: str = typer.Argument(..., help="Model name (see `osteosim models`)."),
    out: str = typer.Option(..., "--out", "-o", help="SBML file to write (Level 3 Version 2)."),
) -> None:
    """Export a model, generated from its own right-hand side, to SBML (python-libsbml)."""
    from ..interop.sbml import export_sbml_file

    with _user_errors():
        path = export_sbml_file(model, out)
    _console().print(f"wrote {path}")


@app.command()
def validate() -> None:
    """Simulate every calibration target (natural history and pivotal trials): target, simulated, tolerance, pass/fail, source."""
    from rich.table import Table

    from ..calibration import natural_history as nh
    from ..calibration import therapies as th
    from ..models.osteosim import Osteosim

    m = Osteosim()
    p = m.default_parameters().values_dict()
    rows = []
    nh_sim = nh.simulate_targets(p, m)
    for k, (v, tol, src) in nh._targets().items():
        rows.append((k, nh_sim[k], f"{v:g}", tol, abs(nh_sim[k] - v) <= tol, src))
    th_sim = th.simulate_trial_targets(p, m)
    for k, (lo, hi, tol, src) in th._target_table().items():
        target = f"{lo:g}" if lo == hi else f"{lo:g}..{hi:g}"
        rows.append((k, th_sim[k], target, tol, abs(th._miss(th_sim[k], lo, hi)) <= tol, src))
    t = Table(title="osteosim validate: calibration targets")
    for c in ("target id", "simulated", "target", "tolerance", "pass", "source"):
        t.add_column(c)
    for k, sim, target, tol, ok, src in rows:
        t.add_row(k, f"{sim:.2f}", target, f"{tol:g}", "pass" if ok else "[red]FAIL[/red]", src)
    _console().print(t)
    n_ok = sum(r[4] for r in rows)
    _console().print(f"{n_ok} passed, {len(rows) - n_ok} failed")


@app.command()
def calibrate(
    check: bool = typer.Option(False, "--check", help="Re-derive the fit and compare with the shipped values."),
    write: bool = typer.Option(False, "--write", help="Store the new fit in the package (developers)."),
    therapies: bool = typer.Option(False, "--therapies", help="Fit the drug effect strengths to the trial targets instead."),
    fractures: bool = typer.Option(False, "--fractures", help="Fit the trial-population fracture incidence factors "
                                   "to the published placebo arms instead."),
) -> None:
    """Fit the natural-history (or, with --therapies, the drug; with --fractures, the trial fracture incidence) parameters to the published targets."""
    from rich.table import Table

    from ..calibration import natural_history as nh
    from ..calibration import therapies as th

    if therapies and fractures:
        raise typer.BadParameter("give one of --therapies and --fractures")
    if fractures:
        from ..calibration import trial_fractures as tf

        if check:
            ok, diffs = tf.check()
            for k, (old, new, rel) in diffs.items():
                _console().print(f"{k}: stored {old:.6g}, re-derived {new:.6g} (rel. diff {rel:.1e})")
            if not ok:
                raise typer.Exit(1)
            return
        result = tf.fit()
        t = Table(title="trial fracture incidence: placebo arms, % with >= 1 fracture")
        for c in ("target", "published", "general population", "fitted", "source"):
            t.add_column(c)
        for k, r in result["report"].items():
            t.add_row(k, f"{r['published_placebo_pct']:.2f}", f"{r['simulated_general_pct']:.2f}",
                      f"{r['simulated_fitted_pct']:.2f}", r["source"][:60])
        _console().print(t)
        _console().print(", ".join(f"{k} = {v:.4f}" for k, v in result["values"].items()))
        if write:
            _console().print(f"wrote {tf.write_fit(result)}")
        return

    if therapies:
        result = th.fit()
        if check:
            import json as _json

            stored = _json.loads(th.FIT_PATH.read_text())["values"]
            bad = {k: (stored.get(k), v) for k, v in result["values"].items()
                   if k not in stored or abs(v / stored[k] - 1.0) > 1e-3}
            _console().print("therapy fit reproduced" if not bad else f"therapy fit differs: {bad}")
            if bad:
                raise typer.Exit(1)
            return

    if check and not therapies:
        ok, diffs = nh.check()
        t = Table(title="calibrate --check: stored vs re-derived")
        for c in ("parameter", "stored", "re-derived", "rel. diff"):
            t.add_column(c)
        for k, (old, new, rel) in diffs.items():
            t.add_row(k, f"{old:.6g}", f"{new:.6g}", f"{rel:.2e}")
        _console().print(t)
        if not ok:
            raise typer.Exit(1)
        return
    if not therapies:
        result = nh.fit()
    t = Table(title="therapy calibration" if therapies else "natural-history calibration")
    for c in ("target", "simulated", "value", "tolerance", "pass", "source"):
        t.add_column(c)
    for k, r in result["report"].items():
        t.add_row(k, f"{r['simulated']:.2f}", str(r["target"]), f"{r['tolerance']:.2f}", "yes" if r["pass"] else "NO", r["source"])
    _console().print(t)
    if write:
        _console().print(f"wrote {(th if therapies else nh).write_fit(result)}")


# ----------------------------------------------------------------------------
# bench


@app.command()
def bench(
    patients: int = typer.Option(1000, "--patients", "-n", help="Patients in the cohort."),
    years: float = typer.Option(10.0, "--years", help="Years simulated (Osteosim: after the oldest patient's age)."),
    model: str = typer.Option("Pivonka2008", "--model", help="Pivonka2008 or Osteosim."),
    json_out: bool = typer.Option(False, "--json", help="Print the full result as JSON on stdout."),
    engines: str = typer.Option(",".join(("osteosim", "scipy_loop", "libroadrunner_loop", "bone_models")),
                                "--engines", help="Comma-separated engines to run."),
    solver: str = typer.Option("auto", "--solver", help="diffrax solver for osteosim (NAME, or NAME/shared: one "
                               "step size per block), or auto (measured)."),
    rtol: float = typer.Option(1e-6, "--rtol", help="Relative tolerance (every engine)."),
    atol: float = typer.Option(1e-8, "--atol", help="Absolute tolerance on scaled states (x state scale)."),
    loop_patients: int = typer.Option(100, "--loop-patients", help="Patients timed in the peer loops."),
    workers: int = typer.Option(0, "--workers", help="Threads for osteosim (0: one per core)."),
    block: int = typer.Option(0, "--block", help="Patients per compiled call (0: automatic)."),
    seed: int = typer.Option(7, "--seed", help="Seed of the cohort."),
    no_reference: bool = typer.Option(False, "--no-reference", help="Skip the rtol 1e-10 reference (no errors)."),
    no_profile: bool = typer.Option(False, "--no-profile", help="Skip the FLOP estimate and the matmul rate."),
    out: str = typer.Option("", "--out", "-o", help="Also write the JSON to this file."),
) -> None:
    """Time osteosim against a scipy loop, a libroadrunner loop and bone-models on one cohort."""
    from ..bench import run_benchmark
    from ..io_utils import to_jsonable

    with _user_errors():
        if patients < 1:
            raise ValueError(f"--patients: {patients} is not allowed (a whole number >= 1)")
        if workers < 0 or block < 0:
            raise ValueError(f"--workers/--block: {workers}/{block} must be >= 0")
        eng = [e.strip() for e in engines.split(",") if e.strip()]
        log = (lambda s: typer.echo(f"bench: {s}", err=True)) if _is_tty(sys.stderr) else None
        res = run_benchmark(model=model, patients=patients, years=years, engines=eng,
                            solver=None if solver.lower() == "auto" else solver, rtol=rtol, atol=atol,
                            loop_patients=loop_patients, workers=workers or None, block=block or None, seed=seed,
                            reference=not no_reference, profile=not no_profile, log=log)
        text = json.dumps(to_jsonable(res), indent=2, allow_nan=True)
        if out:
            path = Path(out)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n")
    if json_out:
        typer.echo(text)
        return
    from rich.table import Table

    t = Table(title=f"{res['model']}: {res['patients']} patients x {res['years']:g} years, rtol {rtol:g}")
    for c in ("engine", "patients/s", "timed", "max rel err", "osteosim is"):
        t.add_column(c, justify="left" if c == "engine" else "right")
    for name, r in res["results"].items():
        if "skipped" in r:
            t.add_row(name, "skipped", "", "", r["skipped"][:60])
            continue
        ratio = res["ratios"].get(f"vs_{name}")
        err = r.get("max_rel_err")
        t.add_row(name, f"{r['patients_per_s']:,.1f}", str(r.get("timed_patients", "")),
                  "–" if err is None else f"{err:.1e}", "" if ratio is None else f"{ratio:.1f}x faster")
    _console().print(t)
    if "osteosim" in res["results"]:
        o = res["results"]["osteosim"]
        _console().print(f"osteosim: {o['solver']}, compile {o['compile_s']:.1f} s (excluded), "
                         f"{o['workers']} worker(s) x {o['block']} lanes")


# ----------------------------------------------------------------------------
# therapies


@app.command()
def therapies(
    json_out: bool = typer.Option(False, "--json", help="Print the catalogue as JSON."),
) -> None:
    """List every therapy of the regimen language: accepted doses, routes, schedules and sources."""
    from rich.markup import escape
    from rich.table import Table

    from ..therapies.catalog import MSC_DEFAULT_DONOR_AGE, MSC_DONORS, MSC_SOURCES, ROUTES, SITES, THERAPIES

    if json_out:
        typer.echo(json.dumps({"therapies": [t.to_dict() for t in THERAPIES.values()],
                               "msc": {"sources": MSC_SOURCES, "donors": MSC_DONORS,
                                       "default_donor_age_years": MSC_DEFAULT_DONOR_AGE, "sites": list(SITES)},
                               "routes": ROUTES}, indent=2))
        return

    def num(x: float) -> str:
        if x < 1e4:
            return f"{x:g}"
        mant, exp = f"{x:.3e}".split("e")
        return f"{mant.rstrip('0').rstrip('.')}e{int(exp)}"

    t = Table(title=escape("osteosim therapies: <therapy> <dose> <unit> [<route>] <frequency> [for <duration>] "
                           "[starting at <time>]"), show_lines=True, expand=True)
    t.add_column("therapy (class; aliases)", ratio=3)
    t.add_column("routes", ratio=2)
    t.add_column("doses (per dose)", ratio=4)
    t.add_column("typical schedules", ratio=4)
    t.add_column("sources", ratio=6)
    for th in THERAPIES.values():
        aliases = [a for a in th.aliases if a != th.name]
        name = f"[bold]{escape(th.name)}[/]\n({escape(th.drug_class)})"
        if aliases:
            name += f"\n[dim]{escape(', '.join(aliases))}[/]"
        doses = []
        for u in th.dose_units:
            lo, hi = th.dose_range(u)
            typical = ", ".join(num(d) for d in th.typical_doses.get(u, ()))
            doses.append(f"{escape(u)}: typical {typical}; allowed {num(lo)}..{num(hi)}")
        for src, (cu, f) in th.conversions.items():
            doses.append(f"{escape(src)} accepted (1 {src} = {f:g} {cu})")
        routes = "\n".join(th.routes)
        if th.is_msc:
            routes += f"\nintraosseous needs: site {' | '.join(SITES)}"
            doses.append("sources: " + ", ".join(MSC_SOURCES))
            doses.append("donor: allogeneic (default) | autologous; donor age <years> (allogeneic only)")
        elif th.infusion_days > 0:
            routes += f" ({th.infusion_days * 1440:g}-min infusion)"
        t.add_row(name, escape(routes), escape("\n".join(doses)),
                  escape("\n".join(th.schedules)), escape("\n".join(th.references)))
    con = _console()
    con.print(t)
    con.print("Times: 1 month = 365.25/12 days, 1 year = 365.25 days. No 'for': the therapy runs to the end of "
              "the simulation. MSC efficacy in humans is hypothetical.", soft_wrap=True)


# ----------------------------------------------------------------------------
# commands kept in their own modules (``cli/<name>.py``): each defines its
# command(s) on ``app`` when imported.  Add a module's name here to register it.

COMMAND_MODULES: tuple[str, ...] = ("serve", "heal", "msc_explore", "trial")

for _name in COMMAND_MODULES:
    importlib.import_module(f"{__package__}.{_name}")


# ----------------------------------------------------------------------------
# entry point


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: usage and user errors become exit 2 and one line on stderr."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        rc = app(args=args, prog_name="osteosim", standalone_mode=False)
    except typer.TyperException as exc:  # click usage errors (missing option, bad value, unknown command)
        if type(exc).__name__ == "NoArgsIsHelpError":  # help was printed
            sys.exit(0)
        msg = _one_line(exc.format_message())
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        sys.stderr.write(f"error: {msg}{hint}\n")
        sys.exit(getattr(exc, "exit_code", EXIT_USER_ERROR) or EXIT_USER_ERROR)
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)
    except (ValueError, yaml.YAMLError, OSError) as exc:
        if _debug():
            raise
        sys.stderr.write(f"error: {_one_line(user_error_message(exc))}\n")
        sys.exit(EXIT_USER_ERROR)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
