"""A fit's stored result: write it to the package's data file, re-derive it and compare (one place for every fit).

Every ``osteosim calibrate`` fit stores ``{"values": {name: value}, "report": ..., "method": ...}`` as JSON in
``osteosim/data`` (what its parameter set reads) and offers ``--check``: re-derive the values and compare.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["write", "compare"]


def write(result: Mapping, path: Path) -> Path:
    """Store a fit's result atomically (sorted keys, so a re-run that changes nothing changes no byte)."""
    from ..io_utils import atomic_write_text, to_jsonable

    atomic_write_text(path, json.dumps(to_jsonable(result), indent=2, sort_keys=True) + "\n")
    return path


def compare(path: Path, new_values: Mapping[str, float], rtol: float) -> tuple[bool, dict]:
    """(every re-derived value within ``rtol`` of the stored one, {name: (stored, re-derived, rel. diff)}); a
    value the file lacks is a difference."""
    stored = json.loads(Path(path).read_text())["values"]
    diffs = {k: (stored.get(k, float("nan")), v, abs(v / stored[k] - 1.0) if k in stored else float("inf"))
             for k, v in new_values.items()}
    return all(d[2] <= rtol for d in diffs.values()), diffs


def check(fit: Callable[[], Mapping], path: Path, rtol: float) -> tuple[bool, dict]:
    """Re-derive with ``fit()`` and :func:`compare` with the stored values."""
    return compare(path, fit()["values"], rtol)
