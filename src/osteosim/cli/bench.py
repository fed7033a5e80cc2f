"""``osteosim bench``: osteosim against a scipy loop, a libroadrunner loop and bone-models."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from .console import _console, _is_tty
from .errors import _user_errors


def bench(
    patients: int = typer.Option(1000, "--patients", "-n", help="Patients in the cohort."),
    years: float = typer.Option(10.0, "--years", help="Years simulated (Osteosim: after the oldest patient's age)."),
    model: str = typer.Option("Pivonka2008", "--model", help="Pivonka2008 or Osteosim."),
    json_out: bool = typer.Option(False, "--json", help="Print the full result as JSON on stdout."),
    engines: str = typer.Option(",".join(("osteosim", "scipy_loop", "libroadrunner_loop", "bone_models")),
                                "--engines", help="Comma-separated engines to run."),
    solver: str = typer.Option("auto", "--solver", help="diffrax solver for osteosim (NAME, or NAME/shared: one "
                               "step size per block), or auto (measured)."),
    rtol: float | None = typer.Option(None, "--rtol", help="osteosim's relative tolerance (default: 1e-5 for "
                                      "Rodas5P, the engine study's setting; 1e-6 for the other solvers)."),
    atol: float | None = typer.Option(None, "--atol", help="osteosim's absolute tolerance on scaled states "
                                      "(x state scale; default rtol x 1e-2)."),
    peer_rtol: float | None = typer.Option(None, "--peer-rtol", help="The scipy and libroadrunner loops' relative "
                                           "tolerance (default 1e-6, their usual)."),
    peer_atol: float | None = typer.Option(None, "--peer-atol", help="The loops' absolute tolerance on scaled "
                                           "states (default peer rtol x 1e-2)."),
    loop_patients: int = typer.Option(100, "--loop-patients", help="Patients timed in the peer loops."),
    ref_patients: int = typer.Option(20, "--ref-patients", help="Patients in the rtol 1e-10 reference (errors)."),
    rounds: int = typer.Option(1, "--rounds", help="Time every engine in this many interleaved rounds and keep "
                               "each one's fastest (all recorded): steadier ratios on a loaded machine."),
    quick: bool = typer.Option(False, "--quick", help="A tiny run (8 patients, 1 year, 4 loop patients, "
                               "reference on 2, no FLOP profile): checks the set-up, its timings mean little."),
    workers: int = typer.Option(0, "--workers", help="Worker processes for osteosim's all-core timing (0: one "
                                "per core, each pinned to its core; 1: no all-core timing)."),
    block: int = typer.Option(0, "--block", help="Patients per task (0: automatic)."),
    seed: int = typer.Option(7, "--seed", help="Seed of the cohort."),
    no_reference: bool = typer.Option(False, "--no-reference", help="Skip the rtol 1e-10 reference (no errors)."),
    no_profile: bool = typer.Option(False, "--no-profile", help="Skip the FLOP estimate and the matmul rate."),
    out: str = typer.Option("", "--out", "-o", help="Also write the JSON to this file, and a short markdown "
                            "summary next to it (same name, .md)."),
) -> None:
    """Time osteosim against a scipy loop, a libroadrunner loop and bone-models on one cohort."""
    from ..bench import run_benchmark, summary_md
    from ..io_utils import to_jsonable

    with _user_errors():
        if quick:
            patients, years, loop_patients, ref_patients, no_profile = 8, 1.0, 4, 2, True
        if patients < 1:
            raise ValueError(f"--patients: {patients} is not allowed (a whole number >= 1)")
        if workers < 0 or block < 0:
            raise ValueError(f"--workers/--block: {workers}/{block} must be >= 0")
        eng = [e.strip() for e in engines.split(",") if e.strip()]
        log = (lambda s: typer.echo(f"bench: {s}", err=True)) if _is_tty(sys.stderr) else None
        res = run_benchmark(model=model, patients=patients, years=years, engines=eng,
                            solver=None if solver.lower() == "auto" else solver, rtol=rtol, atol=atol,
                            peer_rtol=peer_rtol, peer_atol=peer_atol, loop_patients=loop_patients,
                            ref_patients=ref_patients, workers=workers or None, block=block or None, seed=seed,
                            reference=not no_reference, profile=not no_profile, log=log, rounds=rounds)
        if sys.argv[1:2] == ["bench"]:
            res["command"] = "osteosim " + " ".join(sys.argv[1:])
        text = json.dumps(to_jsonable(res), indent=2, allow_nan=True)
        if out:
            path = Path(out)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n")
            path.with_suffix(".md").write_text(summary_md(res, res.get("command", "")))
    if json_out:
        typer.echo(text)
        return
    from rich.table import Table

    t = Table(title=f"{res['model']}: {res['patients']} patients x {res['years']:g} years")
    for c in ("engine", "rtol", "patients/s", "timed", "max rel err", "load 1-min", "osteosim / engine"):
        t.add_column(c, justify="left" if c == "engine" else "right")
    for name, r in res["results"].items():
        if "skipped" in r:
            t.add_row(name, "", "skipped", "", "", "", r["skipped"][:60])
            continue
        ratio = res["ratios"].get(f"vs_{name}")
        err = r.get("max_rel_err")
        load = f"{r.get('loadavg_1min_before')} -> {r.get('loadavg_1min_after')}"
        t.add_row(name, "" if r.get("rtol") is None else f"{r['rtol']:g}", f"{r['patients_per_s']:,.1f}",
                  str(r.get("timed_patients", "")), "–" if err is None else f"{err:.1e}", load,
                  "" if ratio is None else f"{ratio:.2f}x")
    c = _console()
    c.print(t)
    if "osteosim" in res["results"]:
        o = res["results"]["osteosim"]
        par = [f"{k.split('_')[3]} workers {v:,.1f}/s" for k, v in o.items()
               if k.startswith("patients_per_s_") and k.endswith("_workers")]
        c.print(f"osteosim: {o['solver']} at rtol {o['rtol']:g}, compile {o['compile_s']:.1f} s (excluded), tasks of "
                f"{o['block']} patients" + (f"; pinned {', '.join(par)}" if par else ""))
    cpu = res["ratios"].get("cpu_time", {})
    every = res["ratios"].get("all_cores", {})
    for k, v in res["ratios"].items():
        if k.startswith("vs_"):
            c.print(f"osteosim / {k[3:]} = {v:.2f} (one process, wall time)"
                    + (f"; {every[k]:.2f} on every core ({o.get('workers')} pinned workers)" if k in every else "")
                    + (f"; {cpu[k]:.2f} in CPU time" if k in cpu else ""))
    bad = [e for e, a in res.get("accuracy", {}).items() if not a["meets"]]
    if bad:
        c.print(f"max rel err above 1e-4: {', '.join(bad)}")
    ld = res["load"]
    c.print(f"machine: {ld['cpu_count']} cores, 1-min load {ld['loadavg_1min_before']} -> {ld['loadavg_1min_after']}")
