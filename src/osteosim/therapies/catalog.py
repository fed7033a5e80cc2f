"""The therapy catalogue: the registered therapies as live, read-only views of the drug registry.

:data:`THERAPIES` and :data:`ALIASES` are recomputed from :mod:`osteosim.therapies.registry`
whenever it changes; the shared vocabulary and :class:`Therapy` live in
:mod:`osteosim.therapies.vocabulary` and are re-exported here.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping

from .vocabulary import (  # noqa: F401  (re-exported: the catalogue's vocabulary)
    DRUG_CLASSES, MSC_DEFAULT_DONOR_AGE, MSC_DONORS, MSC_SOURCE_ALIASES, MSC_SOURCES, ROUTE_ALIASES, ROUTES, SITES,
    Therapy,
)

__all__ = [
    "Therapy",
    "THERAPIES",
    "DRUG_CLASSES",
    "ROUTES",
    "ROUTE_ALIASES",
    "SITES",
    "MSC_SOURCES",
    "MSC_SOURCE_ALIASES",
    "MSC_DONORS",
    "MSC_DEFAULT_DONOR_AGE",
    "ALIASES",
    "RegistryView",
    "max_alias_words",
    "get_therapy",
    "resolve_therapy",
    "suggest",
]


class RegistryView(Mapping):
    """A read-only mapping recomputed from the drug registry whenever the registry changes."""

    def __init__(self, build: Callable[[], dict]):
        self._build = build

    def _data(self) -> dict:
        from . import registry

        return registry.cached(self._build)

    def __getitem__(self, key):
        return self._data()[key]

    def __iter__(self) -> Iterator:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __repr__(self) -> str:
        return repr(self._data())


def _therapies() -> dict[str, Therapy]:
    from . import registry

    return {d.therapy.name: d.therapy for d in registry.drugs()}


def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for t in _therapies().values():
        for a in (t.name, *t.aliases):
            out[" ".join(a.lower().split())] = t.name
    return out


#: canonical name -> Therapy, in catalogue order (every registered drug and cell therapy)
THERAPIES: Mapping[str, Therapy] = RegistryView(_therapies)
#: every alias (lower case, words separated by one space) -> canonical name
ALIASES: Mapping[str, str] = RegistryView(_aliases)


def max_alias_words() -> int:
    """Length of the longest alias, in words (the parser tries the longest first)."""
    return max((len(a.split()) for a in ALIASES), default=1)


def suggest(word: str, choices, cutoff: float = 0.6) -> str | None:
    """The closest choice to ``word`` (difflib; case-insensitive) or None."""
    choices = list(choices)
    lowered = {str(c).lower(): c for c in choices}
    close = difflib.get_close_matches(str(word).lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[close[0]] if close else None


def resolve_therapy(name: str) -> str | None:
    """Canonical name of a therapy written any accepted way, or None."""
    if not isinstance(name, str):
        return None
    return ALIASES.get(" ".join(name.lower().split()))


def get_therapy(name: str) -> Therapy:
    """The catalogue entry for ``name`` (any alias); ValueError with a suggestion otherwise."""
    canon = resolve_therapy(name)
    if canon is None:
        close = suggest(name, ALIASES)
        hint = f"; did you mean {ALIASES[close]!r}?" if close else ""
        raise ValueError(f"unknown therapy {name!r}{hint} (known: {', '.join(THERAPIES)})")
    return THERAPIES[canon]
