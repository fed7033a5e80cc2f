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
