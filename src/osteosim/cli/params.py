"""``osteosim params MODEL``: a model's default parameter set with units and sources."""
from __future__ import annotations

import typer

from .console import _console
from .errors import _user_errors


def _named_sets() -> dict:
    """Parameter sets shown by name beside the models (the therapy sets carry the priors)."""
    from ..parameters.msc2026 import MSC2026
    from ..parameters.therapies2026 import THERAPIES2026

    return {ps.name: ps for ps in (MSC2026, THERAPIES2026)}


def params(
    model: str = typer.Argument(..., help="Model name (see `osteosim models`) or a parameter set: MSC2026, Therapies2026."),
    markdown: bool = typer.Option(False, "--markdown", help="Print a Markdown table instead."),
) -> None:
    """Show a model's default parameter set: value, prior, unit, description and source of every parameter."""
    from rich.markup import escape
    from rich.table import Table

    from ..models.base import get_model

    sets = _named_sets()
    with _user_errors():
        if model in sets:
            ps = sets[model]
        else:
            try:
                ps = get_model(model).default_parameters()
            except ValueError as e:
                raise ValueError(f"{e}; or a parameter set: {', '.join(sets)}") from None
    if markdown:
        priors = ps.priors_markdown()
        typer.echo(ps.to_markdown() + (f"\n{priors}" if priors else ""), nl=False)
        return
    t = Table(title=f"parameter set {escape(ps.name)}", caption=escape(ps.description) if ps.description else None)
    t.add_column("name", no_wrap=True)
    t.add_column("value", justify="right")
    t.add_column("prior (source)")
    t.add_column("unit")
    t.add_column("description")
    t.add_column("source")
    for p in ps.values():
        src = p.source + (f" [{', '.join(p.cite)}]" if p.cite else "")
        prior = f"{p.prior} ({p.prior.source})" if p.prior is not None else ""
        t.add_row(escape(p.name), f"{p.value:.6g}", escape(prior), escape(p.unit), escape(p.description), escape(src))
    _console().print(t)
