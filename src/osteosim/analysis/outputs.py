"""What a sensitivity analysis measures: one scalar output per run, written like a call.

``bmd_pct_change(lumbar_spine, 5)``, ``strength_pct_change(site=femoral_neck, years=10)``,
``ctx(2)``, ``fracture_incidence(hip, 10)``, ``value(BV, 1)``, ``union_time`` ...
:data:`OUTPUTS` lists each kind once: its arguments, unit, description and which targets have it
(``patient``: a patient-driven model such as Osteosim; ``classic``: a zoo model run from its
published state; ``healing``: the fracture callus).  :func:`parse_output` turns the text (or a
mapping) into an :class:`Output`; errors name the field, the value and what is allowed.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..outcomes.fracture import ENDPOINT_KINDS
from ..physiology.patient import SITES
from .errors import SensitivityError

__all__ = ["Output", "OutputKind", "OUTPUTS", "parse_output"]


@dataclass(frozen=True)
class OutputKind:
    name: str
    args: tuple[str, ...]  # in positional order
    unit: str
    description: str
    targets: tuple[str, ...]


OUTPUTS: dict[str, OutputKind] = {k.name: k for k in (
    OutputKind("bmd_pct_change", ("site", "years"), "%", "areal BMD change at the site from the start to `years`",
               ("patient",)),
    OutputKind("strength_pct_change", ("site", "years"), "%",
               "bone strength change (BV^b mineral^q, outcomes.strength) at the site from the start to `years`",
               ("patient",)),
    OutputKind("tscore", ("site", "years"), "SD", "T-score at the site at `years`", ("patient",)),
    OutputKind("ctx", ("years",), "% of baseline", "serum CTX (skeleton-wide resorption) at `years`", ("patient",)),
    OutputKind("p1np", ("years",), "% of baseline", "serum P1NP (skeleton-wide formation) at `years`", ("patient",)),
    OutputKind("fracture_incidence", ("kind", "years"), "%",
               "probability of a first fracture of the kind within `years`, from the simulated BMD course "
               "(outcomes.fracture hazards, BMD gradient, competing mortality; human patients)", ("patient",)),
    OutputKind("value", ("name", "years"), "model unit", "a state or model output at `years`", ("patient", "classic")),
    OutputKind("pct_change", ("name", "years"), "%", "a state or model output's change from the start to `years`",
               ("patient", "classic")),
    OutputKind("union_time", (), "weeks",
               "weeks to bony union of the callus (a course that does not unite counts as the simulated span: "
               "censored, and the count is reported)", ("healing",)),
)}

_CALL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$")


@dataclass(frozen=True)
class Output:
    """One scalar output: its kind and arguments (site, years, fracture kind, column name)."""

    kind: str
    site: str | None = None
    years: float | None = None
    fracture: str | None = None
    name: str | None = None

    @property
    def spec(self) -> OutputKind:
        return OUTPUTS[self.kind]

    @property
    def unit(self) -> str:
        return self.spec.unit

    @property
    def label(self) -> str:
        """The call that gives this output back (``bmd_pct_change(lumbar_spine, 5)``)."""
        vals = {"site": self.site, "years": None if self.years is None else f"{self.years:g}", "kind": self.fracture,
                "name": self.name}
        args = ", ".join(str(vals[a]) for a in self.spec.args)
        return f"{self.kind}({args})" if self.spec.args else self.kind

    def to_dict(self) -> dict:
        return {"output": self.label, "kind": self.kind, "unit": self.unit, "description": self.spec.description}


def _allowed() -> str:
    return ", ".join(f"{k.name}({', '.join(k.args)})" if k.args else k.name for k in OUTPUTS.values())


def _split_args(text: str) -> tuple[list[str], dict[str, str]]:
    pos, kw = [], {}
    for part in (p.strip() for p in text.split(",")) if text.strip() else ():
        if not part:
            raise SensitivityError(f"output: empty argument in ({text}) (allowed: values separated by commas)")
        if "=" in part:
            k, v = (s.strip() for s in part.split("=", 1))
            kw[k] = v.strip("'\"")
        else:
            if kw:
                raise SensitivityError(f"output: positional argument {part!r} after a keyword one in ({text})")
            pos.append(part.strip("'\""))
    return pos, kw


def parse_output(output: str | Mapping | Output) -> Output:
    """An :class:`Output` from ``"kind(arg, ...)"``, ``"kind(site=..., years=...)"``, a mapping or an Output."""
    if isinstance(output, Output):
        return output
    if isinstance(output, Mapping):
        data = dict(output)
        kind = data.pop("kind", data.pop("output", None))
        args = {k: str(v) for k, v in data.items()}
        pos: list[str] = []
    elif isinstance(output, str):
        m = _CALL.match(output)
        if not m:
            raise SensitivityError(f"output: {output!r} is not allowed (write it like a call; allowed: {_allowed()})")
        kind = m.group(1)
        pos, args = _split_args(m.group(2) or "")
    else:
        raise SensitivityError(f"output: {output!r} is not allowed (a text such as 'bmd_pct_change(lumbar_spine, 5)')")
    if kind not in OUTPUTS:
        raise SensitivityError(f"output: unknown output {kind!r}; allowed: {_allowed()}")
    spec = OUTPUTS[kind]
    if len(pos) > len(spec.args):
        raise SensitivityError(f"output: {kind} takes {len(spec.args)} argument(s) ({', '.join(spec.args) or 'none'}), "
                               f"got {len(pos)}")
    values = dict(zip(spec.args, pos))
    for k, v in args.items():
        if k not in spec.args:
            raise SensitivityError(f"output: {kind} has no argument {k!r} (allowed: {', '.join(spec.args) or 'none'})")
        if k in values:
            raise SensitivityError(f"output: {kind} got {k!r} twice")
        values[k] = v
    missing = [a for a in spec.args if a not in values]
    if missing:
        raise SensitivityError(f"output: {kind} needs {', '.join(missing)} (write {kind}({', '.join(spec.args)}))")
    out = {}
    if "site" in values:
        if values["site"] not in SITES:
            raise SensitivityError(f"output: site {values['site']!r} is not allowed; allowed: {', '.join(SITES)}")
        out["site"] = values["site"]
    if "years" in values:
        try:
            years = float(values["years"])
        except ValueError:
            raise SensitivityError(f"output: years {values['years']!r} is not a number (allowed: 0 < years <= 100)") \
                from None
        if not 0.0 < years <= 100.0:
            raise SensitivityError(f"output: years {years:g} is outside the allowed range (0, 100]")
        out["years"] = years
    if "kind" in values:
        if values["kind"] not in ENDPOINT_KINDS:
            raise SensitivityError(f"output: fracture kind {values['kind']!r} is not allowed; allowed: "
                                   f"{', '.join(ENDPOINT_KINDS)}")
        out["fracture"] = values["kind"]
    if "name" in values:
        out["name"] = values["name"]
    return Output(kind, **out)
