"""``osteosim simulate SCENARIO --out DIR``: one scenario -> timeseries.csv, summary.json, plot.png."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from .console import _console, _f, _status
from .errors import _solve, _user_errors
from .output import _check_out, _references_line, _result_files, _write_files, prepare_result_files


def simulate(
    scenario: str = typer.Argument(..., help="Scenario YAML file (see examples/scenarios/)."),
    out: str = typer.Option(..., "--out", "-o", help="Output directory (timeseries.csv, summary.json, plot.png)."),
    json_out: bool = typer.Option(False, "--json", help="Print the summary JSON to stdout."),
    ensemble: int = typer.Option(1, "--ensemble", help="Number of parameter draws (uncertainty bands)."),
    seed: int = typer.Option(None, "--seed", help="Seed of the ensemble's Latin hypercube (default: a fixed seed)."),
    versus_untreated: bool = typer.Option(
        False, "--versus-untreated",
        help="Also run the patient without the regimen and write DIR/clinician.png: T-score, strength and "
             "10-year fracture probability over time, treated and untreated."),
) -> None:
    """Run one scenario and write DIR/timeseries.csv, DIR/summary.json and DIR/plot.png."""
    from ..io_utils import atomic_output_dir, to_jsonable
    from ..scenario import load_scenario

    with _user_errors():
        if ensemble < 1:
            raise ValueError(f"--ensemble: {ensemble} is not allowed (a whole number >= 1)")
        out_dir = _check_out(Path(out))
        warming = prepare_result_files()
        scen = load_scenario(scenario)
        sim = scen.simulation()
        if versus_untreated and (scen.regimen is None or sim.patient is None or sim.patient.species != "human"):
            raise ValueError(f"--versus-untreated: {scenario} needs a human patient and a regimen to compare with "
                             "no treatment")
        with _status(f"simulating {scen.model} for {sim.years if sim.years is not None else 'default'} years"):
            if ensemble > 1:
                from ..outcomes.ensemble import DEFAULT_SEED, run_ensemble

                result = _solve(sim, run=lambda s: run_ensemble(s, ensemble, DEFAULT_SEED if seed is None else seed))
            else:
                result = _solve(sim)
        files = _result_files(result, warming)
        if versus_untreated:
            files["clinician.png"] = _clinician_png(scen, sim, result)
        with atomic_output_dir(out_dir) as tmp:
            _write_files(tmp, files)

    summary = to_jsonable(result.summary)
    if json_out:
        typer.echo(json.dumps(summary, indent=2, allow_nan=False))
    else:
        _print_run_summary(result, out_dir, list(files))
    if summary.get("solver_ok") is False:
        typer.echo(
            "warning: the solver did not reach the end of the run (solver_ok = false); "
            f"see {out_dir / 'summary.json'}",
            err=True,
        )
        raise typer.Exit(1)


def _clinician_png(scen, sim, treated) -> bytes:
    """The clinician's page (report.clinician) of the scenario's patient with and without its regimen."""
    from ..report.clinician import plot_clinician
    from ..report.style import figure_png_bytes
    from ..simulation import Simulation

    untreated_sim = Simulation(patient=sim.patient, model=sim.model, years=sim.years, parameters=sim.parameters,
                               drivers=sim.drivers or None, saves_per_year=sim.saves_per_year)
    with _status("simulating the same patient without treatment"):
        untreated = _solve(untreated_sim)
    label = "; ".join(str(x) for x in scen.regimen_text)
    return figure_png_bytes(plot_clinician({"no treatment": untreated, label: treated}), dpi=110)


def _print_run_summary(result, out_dir: Path, names: list[str]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from ..report.html import trajectory_summary
    from ..report.style import SITE_LABELS

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
    con.print(f"wrote {escape(str(out_dir))}/ ({', '.join(names)})")
    con.print(_references_line(result.summary, out_dir / "summary.json"), markup=False)
