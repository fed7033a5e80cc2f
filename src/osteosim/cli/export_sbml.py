"""``osteosim export-sbml MODEL --out FILE``."""
from __future__ import annotations

import typer

from .console import _console
from .errors import _user_errors


def export_sbml_cmd(
    model: str = typer.Argument(..., help="Model name (see `osteosim models`)."),
    out: str = typer.Option(..., "--out", "-o", help="SBML file to write (Level 3 Version 2)."),
) -> None:
    """Export a model, generated from its own right-hand side, to SBML (python-libsbml)."""
    from ..interop.sbml import export_sbml_file

    with _user_errors():
        path = export_sbml_file(model, out)
    _console().print(f"wrote {path}")
