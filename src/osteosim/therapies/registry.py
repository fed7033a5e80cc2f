"""The drug registry: every therapy the regimen language and the model know, found through entry points.

Drugs are found once, on first use, through the ``osteosim.drugs`` entry-point group (as
PyBaMM finds parameter sets under ``pybamm_parameter_sets``): each entry point names a
:class:`~osteosim.therapies.drug.Drug` (or a module with a ``DRUG``).  osteosim declares its
own drugs there (pyproject.toml), so a separate package adds a drug with a module and one line
of its own pyproject::

    [project.entry-points."osteosim.drugs"]
    ibandronate = "my_package.ibandronate:DRUG"

The built-in modules (``therapies/drugs/*.py`` and ``therapies/msc.py``) are also imported
directly, so a source tree whose install metadata predates a drug still finds them.
:func:`register` adds a drug at run time (scripts, tests).  Every drug is checked when it is
registered: unique name, aliases and dose-table prefix; a known drug class and exposure
channels; the parameters its PK reads exist; its citation keys are registered.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
import threading
import warnings
from collections.abc import Callable
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

from .drug import Drug

__all__ = ["GROUP", "register", "unregister", "drugs", "get", "reload", "drug_parameters", "cached"]

#: the entry-point group drugs are registered under
GROUP = "osteosim.drugs"
#: modules of osteosim's own drugs besides the therapies/drugs package
_EXTRA_BUILTIN = ("osteosim.therapies.msc",)

_DRUGS: dict[str, Drug] = {}
_LOCK = threading.RLock()  # first use may come from several threads (web server)
_loaded = False
_loading = False
_version = 0
_cache: dict[Callable, tuple[int, Any]] = {}


def _as_drug(obj: Any, where: str) -> Drug:
    if isinstance(obj, ModuleType):
        obj = getattr(obj, "DRUG", None)
    if not isinstance(obj, Drug):
        raise TypeError(f"{where}: {obj!r} is not allowed (an osteosim.therapies.drug.Drug, or a module with DRUG)")
    return obj


def _builtin() -> list[Drug]:
    from . import drugs as package

    names = [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__) if not m.ispkg]
    return [_as_drug(importlib.import_module(n), n) for n in [*names, *_EXTRA_BUILTIN]]


def _discover() -> list[Drug]:
    found: list[Drug] = []
    for ep in entry_points(group=GROUP):
        try:
            found.append(_as_drug(ep.load(), f"entry point {ep.name!r} ({ep.value})"))
        except Exception as exc:  # a broken plug-in must not take the built-in drugs down with it
            warnings.warn(f"osteosim: drug entry point {ep.name!r} = {ep.value!r} was not loaded: {exc}",
                          stacklevel=2)
    for d in _builtin():
        if not any(d is f for f in found):
            found.append(d)
    return sorted(found, key=lambda d: (d.order, d.name))


def _ensure_loaded() -> None:
    global _loaded, _loading
    if _loaded:
        return
    with _LOCK:  # other threads wait here until the drugs are loaded
        if _loaded or _loading:  # _loading: this thread, back here through register()
            return
        _loading = True
        try:
            for d in _discover():
                if not any(d is e for e in _DRUGS.values()):
                    register(d)
            _loaded = True
        except BaseException:
            _DRUGS.clear()
            raise
        finally:
            _loading = False


def _touch() -> None:
    global _version
    _version += 1
    _cache.clear()


def drugs() -> list[Drug]:
    """Every registered drug, in catalogue order."""
    _ensure_loaded()
    return list(_DRUGS.values())


def get(name: str) -> Drug:
    """The drug registered under a canonical therapy name (KeyError naming the known ones)."""
    _ensure_loaded()
    try:
        return _DRUGS[name]
    except KeyError:
        raise KeyError(f"no drug {name!r} is registered; registered: {', '.join(_DRUGS)}") from None


def cached(build: Callable[[], Any]) -> Any:
    """``build()`` computed once per registry state (the catalogue's views)."""
    _ensure_loaded()
    hit = _cache.get(build)
    if hit is None or hit[0] != _version:
        hit = _cache[build] = (_version, build())
    return hit[1]


def register(drug: Drug) -> Drug:
    """Add a drug (checked: see the module docstring); ValueError naming the field otherwise."""
    _ensure_loaded()
    drug = _as_drug(drug, "register")
    with _LOCK:
        _check(drug)
        _DRUGS[drug.name] = drug
        ordered = sorted(_DRUGS.values(), key=lambda d: (d.order, d.name))
        _DRUGS.clear()
        _DRUGS.update((d.name, d) for d in ordered)
        _touch()
    return drug


def unregister(name: str) -> None:
    """Remove a drug registered under ``name`` (tests; scripts that swap a drug's declaration)."""
    _ensure_loaded()
    with _LOCK:
        _DRUGS.pop(name, None)
        _touch()


def reload() -> list[Drug]:
    """Forget every drug and find them again through the entry points (after installing a plug-in)."""
    global _loaded
    with _LOCK:
        _DRUGS.clear()
        _loaded = False
        _touch()
    return drugs()


def drug_parameters():
    """The drug parameters of the model: Therapies2026 plus the parameter sets of registered plug-ins."""
    from ..parameters.therapies2026 import THERAPIES2026

    out = THERAPIES2026
    for d in drugs():
        if d.parameters is not None:
            out = out.merged(d.parameters, name=out.name)
    return out


# ----------------------------------------------------------------------------------------------
def _check(drug: Drug) -> None:
    from .. import citations
    from ..parameters.msc2026 import MSC2026
    from ..parameters.therapies2026 import THERAPIES2026
    from .vocabulary import DRUG_CLASSES, ROUTES
    from .channels import CHANNELS

    t = drug.therapy
    where = f"drug {t.name!r}"
    if not t.name or t.name != " ".join(t.name.lower().split()):
        raise ValueError(f"{where}: name must be lower case words separated by one space")
    if t.drug_class not in DRUG_CLASSES:
        raise ValueError(f"{where}: drug_class {t.drug_class!r} is not allowed; allowed: {', '.join(DRUG_CLASSES)}")
    bad = [r for r in t.routes if r not in ROUTES]
    if not t.routes or bad:
        raise ValueError(f"{where}: routes {list(t.routes)!r} are not allowed; allowed: {', '.join(ROUTES)}")
    if not t.dose_units or any(u not in t.typical_doses and u not in t.range_override for u in t.dose_units):
        raise ValueError(f"{where}: every dose unit needs typical doses or a range")
    if not re.fullmatch(r"[a-z][a-z0-9]*", drug.prefix):
        raise ValueError(f"{where}: prefix {drug.prefix!r} is not allowed (lower-case letters and digits)")
    others = [d for d in _DRUGS.values() if d.name != t.name]
    for d in others:
        if d.prefix == drug.prefix:
            raise ValueError(f"{where}: prefix {drug.prefix!r} is already the dose table of {d.name!r}")
        taken = {" ".join(a.lower().split()) for a in (d.therapy.name, *d.therapy.aliases)}
        clash = taken & {" ".join(a.lower().split()) for a in (t.name, *t.aliases)}
        if clash:
            raise ValueError(f"{where}: alias {sorted(clash)[0]!r} already names {d.name!r}")
        if drug.pk.state is not None and d.pk.state == drug.pk.state:
            raise ValueError(f"{where}: the model has one {drug.pk.state!r} state, used by {d.name!r}")
    unknown = [c for c in drug.channels if c not in CHANNELS]
    if unknown:
        raise ValueError(f"{where}: exposure channel {unknown[0]!r} is not allowed; allowed: {', '.join(CHANNELS)}")
    known = set(THERAPIES2026) | set(MSC2026) | set(drug.parameters or ())
    missing = [n for n in drug.pk.parameter_names() if n not in known]
    if missing:
        raise ValueError(f"{where}: PK parameter {missing[0]!r} is in no parameter set (Therapies2026, MSC2026 "
                         "or the drug's own parameters)")
    registered = {c.key for c in citations.all_citations()}
    bad = [k for k in drug.citation_keys if k not in registered]
    if bad:
        raise ValueError(f"{where}: citation key {bad[0]!r} is not registered (osteosim.citations.register)")
