"""Dose tables and exposure signals of the registered drugs for the Osteosim model (one patient).

Each drug reaches the model as a dose table (see :mod:`osteosim.therapies.dosing`) under its
driver prefix (``Drug.prefix``); amounts are in the therapy's canonical unit
(``therapies.catalog``).  Its PK kind (:mod:`osteosim.therapies.pk`) turns the table into one
or more exposure channels (:mod:`osteosim.therapies.channels`); drugs on one channel add up.
Everything here loops over the registry (:mod:`osteosim.therapies.registry`), so no drug is
named in this module.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .dosing import FIELDS, dose_table, dose_times
from . import registry
from .catalog import RegistryView
from .channels import CHANNELS, derived

__all__ = ["PREFIX", "BLOCKS", "MAX_JUMPS", "empty_tables", "exposures", "antibody_rhs", "therapy_jump_times",
           "regimen_tables", "drug_parameters", "fingerprint"]

#: canonical therapy name -> driver prefix of its dose table (a live view of the registry)
PREFIX: Mapping[str, str] = RegistryView(lambda: {d.name: d.prefix for d in registry.drugs()})
#: dosing blocks per therapy and patient (a restart or a dose change is a second block)
BLOCKS = 3
#: jump times (input switches, each resolved dose, each averaged block's start and stop) one
#: patient may have within a run: the solver's fixed jump-table width, so every regimen shares
#: one compiled solve.  256 holds denosumab every 6 months over the longest (100-year) run.
MAX_JUMPS = 256

drug_parameters = registry.drug_parameters


def empty_tables(n_blocks: int = BLOCKS) -> dict[str, np.ndarray]:
    """Dose tables with no doses for every drug (one patient: arrays of shape (B,))."""
    out = {}
    for d in registry.drugs():
        for f in FIELDS:
            out[f"{d.prefix}_{f}"] = np.ones(n_blocks) if f == "interval" else np.zeros(n_blocks)
        out.update(d.pk.empty_descriptors(n_blocks))
    return out


def therapy_jump_times(d: dict) -> list:
    """Jump times: each resolved dose, and the start and end of every averaged block."""
    out = []
    for drug in registry.drugs():
        table = {f: np.atleast_2d(np.asarray(d[f"{drug.prefix}_{f}"])) for f in FIELDS}
        if drug.pk.resolved:
            out.append(dose_times(table))
        else:
            start, interval, count = table["start"], table["interval"], table["count"]
            out.append(np.where(count > 0, start, np.inf))
            out.append(np.where(count > 0, start + count * interval, np.inf))
    return out


def exposures(t, d: dict, p: dict, den_central) -> dict:
    """Every exposure channel at time t (days): each drug's contribution, summed per channel in catalogue order.

    ``den_central``: the model's antibody state (ng).  A channel no registered drug fills is 0.
    """
    states = {"den_central": den_central}
    x: dict = {}
    for drug in registry.drugs():
        for channel, value in drug.pk.exposures(t, d, drug.prefix, p, states).items():
            x[channel] = value if channel not in x else x[channel] + value
    out = {c: x.get(c, 0.0) for c in CHANNELS}
    out.update(derived(out, p))
    return out


def antibody_rhs(t, den_central, d, p):
    """dA/dt of the model's antibody state (ng), driven by the drug whose PK is target-mediated (0 if none)."""
    for drug in registry.drugs():
        if drug.pk.state == "den_central":
            return drug.pk.rhs(t, den_central, {f: d[f"{drug.prefix}_{f}"] for f in FIELDS}, p)
    return 0.0 * den_central


def fingerprint() -> tuple:
    """What the compiled model depends on in the registry: each drug's prefix and PK declaration."""
    return tuple((d.prefix, repr(d.pk)) for d in registry.drugs())


def regimen_tables(regimen, t0_days: float, horizon_days: float, n_blocks: int = BLOCKS,
                   patient=None, params: dict | None = None) -> dict[str, np.ndarray]:
    """Dose tables (one patient, (B,) per field) of every therapy in a parsed regimen.

    ``t0_days``: model time of the simulation start; ``horizon_days``: simulated span.
    A drug whose PK kind builds its own tables (the cell therapy: :func:`msc.msc_tables`) also
    needs the ``patient`` (donor age and disease state of autologous cells, body weight for
    cells/kg) and gives per-block product descriptors; ``params``: parameter values for the
    product (default MSC2026).
    """
    out = empty_tables(n_blocks)
    known = registry.drugs()
    for drug in known:
        own = drug.pk.tables(regimen, t0_days, horizon_days, n_blocks, patient, params)
        if own is not None:
            out.update(own)
            continue
        blocks = [b for pr in regimen if pr.therapy == drug.name for b in pr.dosing_blocks(t0_days, horizon_days)]
        if len(blocks) > n_blocks:
            raise ValueError(f"regimen: {len(blocks)} dose trains of {drug.name}; at most {n_blocks} are allowed")
        if blocks:
            out.update({k: v[0] for k, v in dose_table([blocks], n_blocks, prefix=drug.prefix + "_").items()})
    names = [d.name for d in known]
    for pr in regimen:
        if pr.therapy not in names:
            raise ValueError(f"regimen: {pr.therapy!r} is not available in this version of the model; "
                             f"allowed: {', '.join(names)}")
    return out
