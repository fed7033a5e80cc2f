"""Named, cited parameter sets (PyBaMM style).

A :class:`ParameterSet` is an immutable mapping name -> :class:`Parameter`; each
value carries its unit and its source (a citation key plus a location such as a
table, or the word "assumption" and the reason).  ``params.with_(k=v)`` returns a
new set; ``params.values()`` gives the plain floats a model's RHS consumes.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from .. import citations
from .priors import Prior

__all__ = ["Parameter", "ParameterSet", "P", "FittedValues"]


@dataclass(frozen=True)
class Parameter:
    name: str
    value: float
    unit: str
    source: str
    description: str = ""
    cite: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None  # plausible range, for sampling and sensitivity
    #: the evidence on the value as a distribution (parameters/priors.py); its support is ``bounds``
    prior: Prior | None = None

    def __post_init__(self) -> None:
        if not self.source:
            raise ValueError(f"parameter {self.name!r} has no source")
        if self.prior is not None:
            if not isinstance(self.prior, Prior):
                raise ValueError(f"parameter {self.name!r}: prior = {self.prior!r} is not allowed "
                                 "(a Uniform, LogUniform, Beta, TruncNormal or TruncLogNormal from parameters/priors.py)")
            if self.bounds is None or tuple(map(float, self.bounds)) != self.prior.support:
                raise ValueError(f"parameter {self.name!r}: bounds = {self.bounds!r} differ from the prior's support "
                                 f"{self.prior.support!r} (allowed: leave bounds out, P() derives them from the prior)")
        for k in self.cite:
            if k not in {c.key for c in citations.all_citations()}:
                raise ValueError(f"parameter {self.name!r} cites unknown key {k!r}")


def P(name: str, value: float, unit: str, source: str, description: str = "", cite=(), bounds=None,
      prior: Prior | None = None) -> Parameter:
    """Short constructor used by the parameter-set modules; with a ``prior``, ``bounds`` is its support."""
    if isinstance(cite, str):
        cite = (cite,)
    if prior is not None and bounds is None and isinstance(prior, Prior):
        bounds = prior.support
    return Parameter(name, float(value), unit, source, description, tuple(cite), bounds, prior)


@dataclass(frozen=True)
class ParameterSet(Mapping[str, Parameter]):
    name: str
    parameters: Mapping[str, Parameter]
    citation_keys: tuple[str, ...] = ()
    description: str = ""
    _frozen: bool = field(default=True, repr=False)

    @classmethod
    def from_list(cls, name: str, params: list[Parameter], citation_keys=(), description: str = "") -> "ParameterSet":
        d: dict[str, Parameter] = {}
        for p in params:
            if p.name in d:
                raise ValueError(f"parameter set {name!r}: {p.name!r} defined twice")
            d[p.name] = p
        return cls(name, d, tuple(citation_keys), description)

    # Mapping interface -------------------------------------------------
    def __getitem__(self, key: str) -> Parameter:
        try:
            return self.parameters[key]
        except KeyError:
            raise KeyError(f"parameter set {self.name!r} has no parameter {key!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.parameters)

    def __len__(self) -> int:
        return len(self.parameters)

    # Values --------------------------------------------------------------
    def values_dict(self) -> dict[str, float]:
        """Plain name -> float mapping for a model's RHS."""
        return {k: p.value for k, p in self.parameters.items()}

    def value(self, key: str) -> float:
        return self[key].value

    def with_(self, source: str = "user override", **updates: float) -> "ParameterSet":
        """Return a new set with some values replaced (unknown names are errors)."""
        new = dict(self.parameters)
        for k, v in updates.items():
            if k not in new:
                allowed = ", ".join(sorted(new))
                raise KeyError(f"parameter {k!r} is not in set {self.name!r}; allowed: {allowed}")
            try:
                fv = float(v)
            except (TypeError, ValueError):
                raise ValueError(f"parameter {k!r}: value {v!r} is not a number") from None
            new[k] = replace(new[k], value=fv, source=source)
        return ParameterSet(self.name, new, self.citation_keys, self.description)

    def merged(self, other: "ParameterSet", name: str | None = None) -> "ParameterSet":
        """Union of two sets; `other` wins on shared names."""
        new = dict(self.parameters)
        new.update(other.parameters)
        keys = tuple(dict.fromkeys(self.citation_keys + other.citation_keys))
        return ParameterSet(name or f"{self.name}+{other.name}", new, keys, self.description)

    def cited_keys(self) -> tuple[str, ...]:
        """Every reference this set draws on: its own keys, then each parameter's, each once (first-use order)."""
        keys = list(self.citation_keys)
        for p in self.parameters.values():
            keys.extend(p.cite)
        return tuple(dict.fromkeys(keys))

    # Documentation -------------------------------------------------------
    def to_markdown(self) -> str:
        lines = [f"### Parameter set `{self.name}`", ""]
        if self.description:
            lines += [self.description, ""]
        lines += ["| name | value | unit | description | source |", "|---|---|---|---|---|"]
        for p in self.parameters.values():
            src = p.source + (f" [{', '.join(p.cite)}]" if p.cite else "")
            lines.append(f"| `{p.name}` | {p.value:.6g} | {p.unit} | {p.description} | {src} |")
        return "\n".join(lines) + "\n"

    def priors_markdown(self) -> str:
        """Table of the parameters that state a prior: value, prior (distribution and numbers) and its source."""
        rows = [p for p in self.parameters.values() if p.prior is not None]
        if not rows:
            return ""
        lines = [f"### Priors of `{self.name}`", "",
                 "| name | value | unit | prior | prior source |", "|---|---|---|---|---|"]
        for p in rows:
            lines.append(f"| `{p.name}` | {p.value:.6g} | {p.unit} | {p.prior} | {p.prior.source} |")
        return "\n".join(lines) + "\n"


class FittedValues:
    """Values a calibration module wrote to ``osteosim/data/<filename>``, as cited parameters.

    ``fitted.param(name, default, ...)`` gives the fitted value with the fit as its source, or
    the stated starting value (labelled "assumption: unfitted") when the file has no value.
    """

    def __init__(self, filename: str, source: str, cite=()):
        import json
        from importlib import resources

        try:
            text = resources.files("osteosim").joinpath(f"data/{filename}").read_text()
            self.values = json.loads(text)["values"]
        except FileNotFoundError:
            self.values = {}
        self.source = source
        self.cite = tuple(cite)

    def param(self, name: str, default: float, unit: str, description: str, bounds, prior: str) -> Parameter:
        if name in self.values:
            return P(name, self.values[name], unit, f"{self.source}; prior: {prior}", description, self.cite, bounds)
        return P(name, default, unit, f"assumption: unfitted starting value ({prior})", description, (), bounds)
