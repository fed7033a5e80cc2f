"""``osteosim study FILE --out DIR``: the durability study (are stem cells more lasting than drugs?)."""
from __future__ import annotations

from pathlib import Path

import typer

from .console import _console, _status
from .errors import _user_errors
from .output import _check_out, _references_line


def study(
    file: str = typer.Argument(..., help="Study YAML (examples/studies/durability.yaml)."),
    out: str = typer.Option(..., "--out", "-o", help="Output directory (report.html, headline.csv, table.csv, "
                                                     "curves.csv, indices.csv, summary.json, figures)."),
    quick: bool = typer.Option(False, "--quick", help="A short span (3 years), 4 draws and a small sensitivity "
                                                      "screen: a first look, or a test."),
) -> None:
    """Run a durability study: each regimen with parameter uncertainty, fractures prevented, how long each
    benefit lasts after the last dose, and what most changes the ranking of MSC vs the best drug."""
    from ..analysis.study import load_study, run_study
    from ..report.durability import conclusions, headline

    with _user_errors():
        out_dir = _check_out(Path(out))
        spec = load_study(file)
        if quick:
            spec = spec.quick()
        err = _console(stderr=True)
        with _status("durability study"):
            res = run_study(spec, progress=lambda msg: err.print(msg, markup=False, highlight=False))
        res.write(out_dir)
    _print(res, out_dir, conclusions, headline)


def _print(res, out_dir: Path, conclusions, headline) -> None:
    from rich.markup import escape
    from rich.table import Table

    head = headline(res.table, res.spec.site)
    t = Table(title=f"{escape(res.spec.name)}: {res.spec.years:g} years, {res.spec.draws} draws per regimen")
    site = res.spec.site
    show = [c for c in ("regimen", "last dose (y)", f"BMD {site} (%)", f"BMD {site} p05", f"BMD {site} p95",
                        f"strength {site} (%)", "prevented /1000", "prevented p05", "prevented p95", "benefit lasts")
            if c in head.columns]
    for c in show:
        t.add_column(escape(c), justify="left" if c == "regimen" else "right", no_wrap=c == "regimen")
    for r in head.to_dict(orient="records"):
        t.add_row(*(escape(str(r[c])) for c in show))
    con = _console()
    con.print(t)
    for s in conclusions(res.table, res.summary):
        con.print(f"- {s}", markup=False, highlight=False)
    con.print(f"took {res.summary['seconds']['total']:.0f} s; wrote {escape(str(out_dir))}/report.html and the "
              "tables and figures beside it")
    con.print(_references_line(res.summary, out_dir / "summary.json"), markup=False)
