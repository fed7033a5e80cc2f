"""The references osteosim draws on: a static registry of full citations.

Parameter sets and models register the works they use (``register`` at import, as
data); a run *returns* the citations it used (``Result.citations``, the ``citations``
entry of every summary) instead of marking them in shared state, so a long process
never reports a reference that a given run did not use.  :func:`print_citations`
prints a result's references in full (authors, year, title, journal, identifiers),
keeping the short key for cross-reference.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Citation", "register", "get", "resolve", "references", "all_citations", "format_citations",
           "print_citations"]


@dataclass(frozen=True)
class Citation:
    """One reference: the short ``key`` used in parameter tables, plus its bibliographic fields."""

    key: str
    title: str
    authors: str = ""
    year: int | None = None
    journal: str = ""  # journal, or the kind of source ("US prescribing information", "GitHub repository")
    volume: str = ""
    issue: str = ""
    pages: str = ""  # page range or article number
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    url: str = ""
    note: str = ""  # what osteosim takes from it, or where a value was recalled from

    @property
    def reference(self) -> str:
        """The full reference in Vancouver style, one line."""
        head = ". ".join(s.rstrip(".") for s in (self.authors, self.title) if s) + "."
        source = self.journal
        if self.year is not None:
            source = f"{source} {self.year}".strip()
        if self.volume:
            source += f";{self.volume}" + (f"({self.issue})" if self.issue else "")
        if self.pages:
            source += f":{self.pages}" if self.volume else f", {self.pages}"
        parts = [head] + ([source + "."] if source else [])
        parts += [f"doi:{self.doi}."] if self.doi else []
        parts += [f"PMID: {self.pmid}."] if self.pmid else []
        parts += [f"{self.pmcid}."] if self.pmcid else []
        parts += [self.url] if self.url else []
        parts += [f"({self.note})"] if self.note else []
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The fields (empty ones left out) plus ``reference``, the formatted line (JSON summaries, web)."""
        out = {k: v for k, v in asdict(self).items() if v not in ("", None)}
        out["reference"] = self.reference
        return out


_REGISTRY: dict[str, Citation] = {}


def register(key: str, *, title: str, **fields: Any) -> Citation:
    """Add a reference (idempotent for identical fields; a key registered twice differently is an error)."""
    c = Citation(key, title, **fields)
    existing = _REGISTRY.get(key)
    if existing is not None and existing != c:
        raise ValueError(f"citation key {key!r} registered twice with different fields")
    _REGISTRY[key] = c
    return c


def get(key: str) -> Citation:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"unknown citation key {key!r}") from None


def resolve(keys: Iterable[str]) -> list[Citation]:
    """The citations for ``keys``, in first-use order, each once (unknown keys are errors)."""
    return [get(k) for k in dict.fromkeys(keys)]


def references(keys: Iterable[str]) -> list[dict[str, Any]]:
    """What a run's summary stores under ``"citations"``: each reference as :meth:`Citation.to_dict`."""
    return [c.to_dict() for c in resolve(keys)]


def all_citations() -> list[Citation]:
    return sorted(_REGISTRY.values(), key=lambda c: c.key)


def _as_citations(source: Any) -> list[Citation]:
    """Citations from a result (``.citations``), a summary mapping, or an iterable of Citations/keys/dicts."""
    if hasattr(source, "citations") and not isinstance(source, dict):
        source = source.citations
    elif isinstance(source, dict):
        source = source.get("citations", [])
    out = []
    for c in source:
        if isinstance(c, Citation):
            out.append(c)
        elif isinstance(c, dict):
            out.append(get(c["key"]))
        else:
            out.append(get(str(c)))
    return out


def format_citations(cites: Iterable[Any]) -> str:
    """One reference a line: ``[key] Authors. Title. Journal Year;Vol:pages. doi:...``."""
    return "\n".join(f"[{c.key}] {c.reference}" for c in _as_citations(cites))


def print_citations(result: Any = None, *, everything: bool = False) -> None:
    """Print the references a run used (a Result, a summary dict or a list), or with ``everything`` all of them."""
    if everything or result is None:
        cites = all_citations()
    else:
        cites = _as_citations(result)
    print(format_citations(cites) if cites else "(no citations)")


register("osteosim", authors="osteosim contributors", year=2026,
         title="osteosim: an open-source lab for bone remodeling, therapies and virtual trials in silico")
