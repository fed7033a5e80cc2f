"""``osteosim msc-explore``: rank MSC designs (source x route x dose x schedule) for one patient."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from .console import _console, _status
from .errors import _fail, _user_errors
from .output import _check_out, _write_files


def _split(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def msc_explore(
    out: str = typer.Option(..., "--out", "-o", help="Output directory (explore.csv, explore.json, explore.png)."),
    scenario: str = typer.Option("", "--scenario", help="Take the patient from this scenario file "
                                 "(default: a 68-year-old woman, lumbar-spine T-score -2.7, menopause at 51)."),
    age: float = typer.Option(None, "--age", help="Patient age in years (default patient only)."),
    tscore: float = typer.Option(None, "--tscore", help="Measured lumbar-spine T-score (default patient only)."),
    sources: str = typer.Option("", "--sources", help="Comma-separated MSC sources (default: all three)."),
    routes: str = typer.Option("", "--routes", help="Comma-separated routes: iv, intraosseous (default: both)."),
    doses: str = typer.Option("", "--doses", help="Comma-separated doses: '<n> cells/kg' or '<n> cells', a bare "
                              "number is cells/kg (default: 1e6 and 1e7 cells/kg)."),
    schedules: str = typer.Option("", "--schedules", help="Comma-separated schedules in the regimen language "
                                  "(default: once, and every 6 months for 2 years)."),
    donor: str = typer.Option("allogeneic", "--donor", help="allogeneic or autologous."),
    site: str = typer.Option("lumbar_spine", "--site", help="Injection site of intraosseous designs."),
    with_: str = typer.Option("", "--with", help="A drug regimen given alongside every design, "
                              "e.g. 'denosumab 60 mg every 6 months for 5 years'."),
    draws: int = typer.Option(None, "--draws", help="Parameter draws per design (uncertainty; default 8)."),
    seed: int = typer.Option(None, "--seed", help="Seed of the Latin hypercube (default: a fixed seed)."),
    rank_site: str = typer.Option("", "--rank-site", help="Site whose 5-year median change ranks the designs "
                                  "(default: the site of the measured T-score)."),
    json_out: bool = typer.Option(False, "--json", help="Print the table as JSON instead of a table."),
) -> None:
    """Predict 2- and 5-year BMD change with 5-95 % ranges for a grid of MSC designs; rank them."""
    from ..io_utils import atomic_output_dir, to_jsonable
    from ..outcomes.ensemble import DEFAULT_SEED
    from ..physiology.patient import Patient
    from ..report.style import figure_png_bytes
    from ..trials import msc_explore as mx

    with _user_errors():
        out_dir = _check_out(Path(out))
        if scenario:
            if age is not None or tscore is not None:
                raise ValueError("--age/--tscore: give either --scenario or --age/--tscore, not both")
            from ..scenario import load_scenario

            scen = load_scenario(scenario)
            if scen.patient is None:
                raise ValueError(f"--scenario: {scenario} has no patient; the explorer needs one")
            if scen.regimen_text:
                raise ValueError(f"--scenario: {scenario} has a regimen; the explorer builds the regimens "
                                 "(give a background drug with --with)")
            patient = scen.patient
        else:
            fields = dict(mx.DEFAULT_PATIENT)
            if age is not None:
                fields["age"] = age
            if tscore is not None:
                fields["tscore_lumbar_spine"] = tscore
            patient = Patient(**fields)
        grid = [_split(text) if text.strip() else default for text, default in (
            (sources, mx.DEFAULT_SOURCES), (routes, mx.DEFAULT_ROUTES), (doses, mx.DEFAULT_DOSES),
            (schedules, mx.DEFAULT_SCHEDULES))]
        designs = mx.build_designs(*grid, donor, site, [with_] if with_.strip() else [])
        draws = mx.DEFAULT_DRAWS if draws is None else draws
        with _status(f"exploring {len(designs)} designs x {draws} draws"):
            try:
                res = mx.explore(patient, designs, draws, DEFAULT_SEED if seed is None else seed, rank_site or None)
            except RuntimeError as exc:
                _fail(str(exc), code=1)
        csv = res.table.to_csv(index=False, float_format="%.6g").encode()
        meta = json.dumps(to_jsonable(dict(res.meta, table=res.table.to_dict(orient="records"))), indent=2,
                          allow_nan=False) + "\n"
        png = figure_png_bytes(mx.plot_explore(res), dpi=100)
        with atomic_output_dir(out_dir) as tmp:
            _write_files(tmp, {"explore.csv": csv, "explore.json": meta.encode(), "explore.png": png})

    if json_out:
        typer.echo(json.dumps(to_jsonable(res.table.to_dict(orient="records")), indent=2, allow_nan=False))
        return
    _print_table(res, out_dir)


def _print_table(res, out_dir: Path) -> None:
    from rich.markup import escape
    from rich.table import Table

    from ..physiology.patient import SITES
    from ..report.style import SITE_ABBR
    from ..trials.msc_explore import REPORT_YEARS

    pt = res.meta["patient"]
    also = f"every MSC design also gets: {'; '.join(res.meta['with'])}" if res.meta["with"] else None
    measured = ", ".join(f"{'T-score' if k.startswith('tscore_') else 'BMD'} {SITE_ABBR[k.split('_', 1)[1]]} {v:g}"
                         for k, v in pt.items() if k.startswith(("tscore_", "bmd_")))
    t = Table(title=f"MSC designs, {pt['sex']} aged {pt['age']:g}{f' ({escape(measured)})' if measured else ''}: "
                    f"BMD change %, median and 5…95 % over {res.meta['draws']} draws; ranked by "
                    f"{SITE_ABBR[res.meta['rank_site']]} at {REPORT_YEARS[-1]} y",
              caption=escape(also) if also else None)
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("design", no_wrap=True)
    t.add_column("dose", no_wrap=True)
    t.add_column("schedule", max_width=14)
    for site in SITES:
        for yr in REPORT_YEARS:
            t.add_column(f"{SITE_ABBR[site]} {yr} y", justify="right", no_wrap=True)
    for r in res.table.to_dict(orient="records"):
        design = r["design"] if r["source"] == "–" else f"{r['source']} " + (
            "IV" if r["route"] == "iv" else f"IO {SITE_ABBR[r['site']]}")
        cells = [str(r["rank"]), escape(design), escape(r["dose"].replace(" cells/kg", "/kg")), escape(r["schedule"])]
        for site in SITES:
            for yr in REPORT_YEARS:
                k = f"{site}_{yr}y"
                mid, lo, hi = r[f"{k}_p50"], r[f"{k}_p05"], r[f"{k}_p95"]
                cells.append(f"{mid:+.1f}\n{lo:+.1f}…{hi:+.1f}" if hi - lo >= 0.05 else f"{mid:+.1f}")
        t.add_row(*cells)
    con = _console()
    con.print(t)
    con.print(escape(res.meta["note"]), soft_wrap=True)
    con.print(f"wrote {escape(str(out_dir))}/ (explore.csv, explore.json, explore.png)")
