"""``osteosim sensitivity [SCENARIO] --params a,b --output 'bmd_pct_change(lumbar_spine, 5)' --out DIR``:
global sensitivity (SALib Morris or Sobol) of one output to chosen parameters."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from .console import _console, _status
from .errors import _debug, _fail, _user_errors
from .output import _check_out, _references_line, _write_files

#: the files of a run, in the order the command lists them
FILES = ("indices.csv", "runs.parquet", "summary.json", "sensitivity.png", "report.html")


def _split(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


#: positional arguments of each law in ``--bounds NAME=KIND:ARG:...`` (then optional low, high)
_LAW_ARGS = {"uniform": ("low", "high"), "log-uniform": ("low", "high"), "normal": ("mean", "sd", "low", "high"),
             "lognormal": ("median", "gsd", "low", "high"), "triangular": ("low", "mode", "high")}
_BOUNDS_FORMS = ("NAME=LOW:HIGH, NAME=normal:MEAN:SD[:LOW:HIGH], NAME=lognormal:MEDIAN:GSD[:LOW:HIGH], "
                 "NAME=triangular:LOW:MODE:HIGH or NAME=log-uniform:LOW:HIGH")


def _parse_bounds(items: list[str]) -> dict[str, object]:
    """``["name=LOW:HIGH", "name=normal:MEAN:SD", ...]`` -> name -> (low, high) or a law mapping; errors name the item."""
    out: dict[str, object] = {}
    for item in items:
        name, sep, rng = item.partition("=")
        parts = rng.split(":")
        name = name.strip()
        if not (sep and name and len(parts) >= 2):
            raise ValueError(f"--bounds: {item!r} is not allowed (write {_BOUNDS_FORMS})")
        if parts[0].strip() in _LAW_ARGS:
            kind, args = parts[0].strip(), parts[1:]
            names = _LAW_ARGS[kind]
            if len(args) > len(names):
                raise ValueError(f"--bounds: {item!r} gives {len(args)} numbers to {kind} (allowed: "
                                 f"{':'.join(a.upper() for a in names)})")
            out[name] = {"distribution": kind, **dict(zip(names, args))}  # checked (numbers, ranges) downstream
            continue
        if len(parts) != 2:
            raise ValueError(f"--bounds: {item!r} is not allowed (write {_BOUNDS_FORMS})")
        try:
            out[name] = (float(parts[0]), float(parts[1]))
        except ValueError:
            raise ValueError(f"--bounds: {item!r} has a bound that is not a number (write {_BOUNDS_FORMS})") from None
    return out


def _target(scenario: str, model: str):
    """A Simulation (patient or classic model) or a HealingScenario from the scenario file or ``--model``."""
    if scenario:
        from ..validation import parse_yaml

        path = Path(scenario)
        if not path.is_file():
            raise FileNotFoundError(2, "No such file", str(path))
        data = parse_yaml(path.read_text(encoding="utf-8"), source=str(path))
        if isinstance(data, dict) and "fracture" in data:
            from ..healing.scenario import HealingScenario

            if model:
                raise ValueError("--model: a healing scenario runs the callus model; leave --model out")
            return HealingScenario.from_mapping(data)
        from ..scenario import load_scenario

        scen = load_scenario(scenario)
        if model and model != scen.model:
            raise ValueError(f"--model: {model!r} differs from the scenario's model {scen.model!r}; give one of them")
        return scen.simulation()
    if not model:
        raise ValueError("SCENARIO: give a scenario file (patient, healing) or --model NAME (a classic zoo model)")
    from ..models.base import get_model
    from ..simulation import Simulation

    m = get_model(model)
    if m.uses_patient:
        raise ValueError(f"--model: {model} needs a patient; give a scenario file with a patient (examples/scenarios/)")
    return Simulation(model=m)


def sensitivity(
    scenario: str = typer.Argument("", help="Scenario YAML: a patient scenario (simulate), a classic model's, or a "
                                            "healing scenario (heal). Leave out with --model for a classic zoo model."),
    out: str = typer.Option(..., "--out", "-o", help="Output directory (indices.csv, runs.parquet, summary.json, "
                                                     "sensitivity.png, report.html)."),
    params: str = typer.Option(..., "--params", "-p", help="Comma-separated parameter names (osteosim params MODEL)."),
    output: str = typer.Option("", "--output", help="The output, written like a call: bmd_pct_change(SITE, YEARS), "
                               "strength_pct_change(SITE, YEARS), tscore(SITE, YEARS), ctx(YEARS), p1np(YEARS), "
                               "fracture_incidence(KIND, YEARS), value(NAME, YEARS), pct_change(NAME, YEARS), "
                               "union_time (healing). Default: bmd_pct_change(lumbar_spine, YEARS) for a patient, "
                               "union_time for healing."),
    method: str = typer.Option("sobol", "--method", help="sobol (first and total indices with CIs) or morris "
                                                         "(screening many parameters)."),
    n: int = typer.Option(None, "--n", help="Sobol base sample (a power of two; N (k + 2) runs; default 256) or "
                                            "Morris trajectories (N (k + 1) runs; default 20)."),
    seed: int = typer.Option(None, "--seed", help="Seed of the sample and the bootstrap (default: a fixed seed)."),
    model: str = typer.Option("", "--model", help="A classic zoo model run from its published state "
                                                  "(osteosim models), when no scenario is given."),
    bounds: list[str] = typer.Option([], "--bounds", help="A parameter's range NAME=LOW:HIGH, or its law "
                                     "NAME=normal:MEAN:SD[:LOW:HIGH], lognormal:MEDIAN:GSD[:LOW:HIGH], "
                                     "triangular:LOW:MODE:HIGH, log-uniform:LOW:HIGH (repeatable); default: the "
                                     "parameter set's range, else +/- --range-pct %."),
    range_pct: float = typer.Option(None, "--range-pct", help="Spread of parameters without a range (default 20 %)."),
    distribution: str = typer.Option("auto", "--distribution", help="auto (log-uniform over ranges spanning >= 10x), "
                                                                    "uniform or log-uniform."),
    versus: str = typer.Option(None, "--versus", help="A comparator regimen for the same patient ('none' for no "
                               "treatment; lines separated by ';'): the output becomes the scenario's regimen minus "
                               "the comparator's, per draw."),
    json_out: bool = typer.Option(False, "--json", help="Print the index table as JSON."),
) -> None:
    """Global sensitivity of one output to chosen parameters (SALib Sobol or Morris) through the batched engine."""
    from ..analysis import DEFAULT_RANGE_PCT, DEFAULT_SEED, Sensitivity
    from ..io_utils import atomic_output_dir, to_jsonable
    from ..report.sensitivity import plot_sensitivity, render_sensitivity_report
    from ..report.style import figure_png_bytes

    with _user_errors():
        out_dir = _check_out(Path(out))
        names = _split(params)
        if not names:
            raise ValueError("--params: no parameter given (comma-separated names, e.g. bp_ec50,turnover_lumbar_spine)")
        ranges = _parse_bounds(bounds)
        extra = sorted(set(ranges) - set(names))
        if extra:
            raise ValueError(f"--bounds: {', '.join(extra)} not in --params ({', '.join(names)})")
        target = _target(scenario, model)
        if not output:
            output = _default_output(target)
        sa = Sensitivity({nm: ranges.get(nm) for nm in names}, output=output, method=method, n=n,
                         seed=DEFAULT_SEED if seed is None else seed, distribution=distribution,
                         range_pct=DEFAULT_RANGE_PCT if range_pct is None else range_pct)
        with _status(f"{method}: {sa.describe_runs(len(names))} runs of {output}"):
            try:
                sa.fit(target, versus=_versus(versus))
            except RuntimeError as exc:
                if _debug():
                    raise
                _fail(str(exc), code=1)
        summary = to_jsonable(sa.summary_)
        files = {
            "indices.csv": sa.indices_.to_csv(index=False, float_format="%.6g").encode(),
            "runs.parquet": _parquet_bytes(sa.runs_),
            "summary.json": (json.dumps(summary, indent=2, allow_nan=False) + "\n").encode(),
            "sensitivity.png": figure_png_bytes(plot_sensitivity(sa.indices_, title=f"{output}: {sa.summary_['target']}"),
                                                dpi=100),
            "report.html": render_sensitivity_report(summary, sa.indices_).encode(),
        }
        with atomic_output_dir(out_dir) as tmp:
            _write_files(tmp, files)

    if json_out:
        typer.echo(json.dumps(to_jsonable(sa.indices_.to_dict(orient="records")), indent=2, allow_nan=False))
        return
    _print_table(sa, out_dir)


def _versus(text: str | None) -> list[str] | None:
    """``--versus``: None (no comparator), [] ('none': no treatment), or the regimen's lines."""
    if text is None:
        return None
    if text.strip().lower() in ("none", "no treatment", ""):
        return []
    return [line.strip() for line in text.split(";") if line.strip()]


def _default_output(target) -> str:
    from ..healing.scenario import HealingScenario

    if isinstance(target, HealingScenario):
        return "union_time"
    if target.model.uses_patient:
        return f"bmd_pct_change(lumbar_spine, {target.years if target.years is not None else 10:g})"
    raise ValueError(f"--output: needed for the classic model {target.model.name}, e.g. "
                     f"'value({target.model.state_names[-1]}, 1)' or 'pct_change({target.model.state_names[-1]}, 1)'")


def _parquet_bytes(df) -> bytes:
    import io

    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def _print_table(sa, out_dir: Path) -> None:
    from rich.markup import escape
    from rich.table import Table

    s = sa.summary_
    cols = [c for c in ("S1", "S1_conf", "ST", "ST_conf", "mu_star", "mu_star_conf", "mu", "sigma")
            if c in sa.indices_.columns]
    t = Table(title=f"{escape(s['output']['output'])} ({escape(s['output']['unit'])}) of {escape(s['target'])}: "
                    f"{s['method']}, {s['runs']} runs, seed {s['seed']}")
    t.add_column("#", justify="right")
    t.add_column("parameter")
    for c in cols:
        t.add_column(c, justify="right")
    t.add_column("range", justify="right")
    for r in sa.indices_.to_dict(orient="records"):
        law = "" if r["distribution"] == "uniform" else f" ({'log' if r['distribution'] == 'log-uniform' else r['distribution']})"
        rng = f"{r['low']:.3g} … {r['high']:.3g}{law}"
        t.add_row(str(r["rank"]), escape(r["parameter"]), *(f"{r[c]:.3g}" for c in cols), rng)
    con = _console()
    con.print(t)
    con.print(escape(s["meaning"]), soft_wrap=True)
    assumed = [f["parameter"] for f in s["parameters"] if f["range_source"].startswith("assumption")]
    if assumed:
        con.print(f"ranges assumed (+/- % of nominal, no range in the parameter set): {escape(', '.join(assumed))}")
    if s.get("censored_runs"):
        con.print(f"{s['censored_runs']} of {s['runs']} courses did not unite (counted as the simulated span)")
    con.print(f"took {s['seconds']['total']:.1f} s; wrote {escape(str(out_dir))}/ ({', '.join(FILES)})")
    con.print(_references_line(s, out_dir / "summary.json"), markup=False)
