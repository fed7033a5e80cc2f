"""Registry of the references that parameter sets and models use.

Every parameter set and model registers the works it draws on; a run marks the
ones it touched, and :func:`print_citations` lists them (like PyBaMM's).
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Citation", "register", "cite", "used", "all_citations", "print_citations", "reset_used"]


@dataclass(frozen=True)
class Citation:
    key: str
    text: str


_REGISTRY: dict[str, Citation] = {}
_USED: list[str] = []


def register(key: str, text: str) -> Citation:
    """Add a reference (idempotent for the same text)."""
    existing = _REGISTRY.get(key)
    if existing is not None and existing.text != text:
        raise ValueError(f"citation key {key!r} registered twice with different text")
    c = Citation(key, text)
    _REGISTRY[key] = c
    return c


def cite(*keys: str) -> None:
    """Mark references as used by the current run."""
    for k in keys:
        if k not in _REGISTRY:
            raise KeyError(f"unknown citation key {k!r}")
        if k not in _USED:
            _USED.append(k)


def used() -> list[Citation]:
    return [_REGISTRY[k] for k in _USED]


def reset_used() -> None:
    _USED.clear()


def all_citations() -> list[Citation]:
    return sorted(_REGISTRY.values(), key=lambda c: c.key)


def format_citations(cites: list[Citation] | None = None) -> str:
    cites = used() if cites is None else cites
    return "\n".join(f"[{c.key}] {c.text}" for c in cites)


def print_citations(everything: bool = False) -> None:
    """Print the references used by this run (or every registered one)."""
    cites = all_citations() if everything else used()
    print(format_citations(cites) if cites else "(no citations used yet)")


register(
    "osteosim",
    "osteosim contributors. osteosim: an open-source lab for bone remodeling, therapies and virtual trials in silico (2026).",
)
