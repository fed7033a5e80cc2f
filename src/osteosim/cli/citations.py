"""``osteosim citations``: the references a run used, in full (a default run's, a summary's, or all of them)."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from .console import _console
from .errors import _user_errors


def citations(
    summary: Path = typer.Argument(None, help="A run's summary.json (simulate, trial, heal): list its references."),
    all_: bool = typer.Option(False, "--all", help="List every registered reference."),
) -> None:
    """References a run used, in full: a default Osteosim run's, a SUMMARY's, or (--all) every registered one."""
    from .. import citations as cit

    from ..analysis import references  # noqa: F401  (registers the sensitivity methods' references)

    with _user_errors():
        if all_:
            cites = cit.all_citations()
        elif summary is not None:
            cites = cit.resolve(c["key"] for c in _summary_citations(summary))
        else:
            from ..models.base import get_model
            from ..outcomes import densitometry
            from ..scenario import DEFAULT_PATIENT_MODEL

            pset = get_model(DEFAULT_PATIENT_MODEL).default_parameters()
            cites = cit.resolve(("osteosim", *pset.cited_keys(), *densitometry.CITATION_KEYS))
    con = _console()
    for c in cites:
        con.print(f"[{c.key}] {c.reference}", markup=False, soft_wrap=True)


def _summary_citations(path: Path) -> list[dict]:
    """The ``citations`` list of a summary.json written by simulate, trial or heal."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"summary: cannot read {path}: {exc}") from None
    cites = data.get("citations") if isinstance(data, dict) else None
    if not isinstance(cites, list) or not all(isinstance(c, dict) and "key" in c for c in cites):
        raise ValueError(f"summary: {path} has no 'citations' list (a summary.json written by simulate, trial "
                         "or heal)")
    return cites
