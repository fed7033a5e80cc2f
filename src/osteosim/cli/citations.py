"""``osteosim citations``: the references a default run uses (or all of them)."""
from __future__ import annotations

import contextlib

import typer

from .console import _console


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
