"""A fit's stored result: write it to the package's data file, re-derive it and compare (one place for every fit).

Every ``osteosim calibrate`` fit is a module with the same verbs: ``fit() -> result``, ``check(rtol) -> (ok, diffs)``,
``write_fit(result) -> path(s)`` and ``summary(result) -> Summary`` (what the CLI shows).  It stores
``{"values": {name: value}, "report": ..., "method": ...}`` as JSON in ``osteosim/data`` (what its parameter set
reads) and ``--check`` re-derives the values and compares.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

__all__ = ["Summary", "write", "compare", "compare_values", "check", "target_summary", "values_line"]


class Summary(NamedTuple):
    """What ``osteosim calibrate`` prints for a fit: a table (plain strings) and lines below it."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    notes: list[str]


def write(result: Mapping, path: Path) -> Path:
    """Store a fit's result atomically (sorted keys, so a re-run that changes nothing changes no byte)."""
    from ..io_utils import atomic_write_text, to_jsonable

    atomic_write_text(path, json.dumps(to_jsonable(result), indent=2, sort_keys=True) + "\n")
    return path


def compare(path: Path, new_values: Mapping[str, float], rtol: float) -> tuple[bool, dict]:
    """(every re-derived value within ``rtol`` of the stored one, {name: (stored, re-derived, rel. diff)}); a
    value the file lacks is a difference."""
    return compare_values(json.loads(Path(path).read_text())["values"], new_values, rtol)


def compare_values(stored: Mapping[str, float], new_values: Mapping[str, float], rtol: float) -> tuple[bool, dict]:
    """:func:`compare` against values already read (e.g. a fit stored in several files)."""
    diffs = {k: (stored.get(k, float("nan")), v, abs(v / stored[k] - 1.0) if k in stored else float("inf"))
             for k, v in new_values.items()}
    return all(d[2] <= rtol for d in diffs.values()), diffs


def check(fit: Callable[[], Mapping], path: Path, rtol: float) -> tuple[bool, dict]:
    """Re-derive with ``fit()`` and :func:`compare` with the stored values."""
    return compare(path, fit()["values"], rtol)


def target_summary(title: str, result: Mapping, value_note: Callable[[str, float], str] | None = None) -> Summary:
    """The table of a fit whose report is ``{row id: {simulated, target, tolerance, pass, fitted, source}}`` (rows not
    fitted are checks), and its fitted values (``value_note(name, value)`` adds to each, e.g. another unit)."""
    rows = [(k, f"{r['simulated']:.2f}", f"{r['target']:g}", f"{r['tolerance']:g}", "yes" if r["pass"] else "NO",
             "yes" if r["fitted"] else "check", r["source"][:60]) for k, r in result["report"].items()]
    return Summary(title, ("target", "simulated", "value", "tolerance", "pass", "fitted", "source"), rows,
                   [values_line(result["values"], value_note)])


def values_line(values: Mapping[str, float], note: Callable[[str, float], str] | None = None, fmt: str = ".4g") -> str:
    """``name = value, ...`` of a fit's values."""
    return ", ".join(f"{k} = {v:{fmt}}" + (note(k, v) if note else "") for k, v in values.items())
