"""``osteosim params MODEL``: a model's default parameter set with units and sources."""
from __future__ import annotations

import typer

from .console import _console
from .errors import _user_errors


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
