"""Drug exposure and effect signals for the Osteosim model (pure ``jax.numpy``, one patient).

Each therapy reaches the model as a dose table (see :mod:`osteosim.solve.dosing`) under a
driver prefix; amounts are in the therapy's canonical unit (``therapies.catalog``).  Processes faster
than a day are closed form: SC/IV depots, linear PK (romosozumab), bone-bound
bisphosphonate, MSC graft cells (:mod:`osteosim.therapies.msc`: linear lung and marrow
compartments with bolus doses) and the daily-averaged exposure of daily injections or tablets.
Only denosumab, whose target-mediated elimination is nonlinear, is an ODE state.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..solve.dosing import FIELDS, depot_amount, dose_times, mean_rate
from . import msc as msc_therapy

__all__ = ["PREFIX", "RESOLVED", "BLOCKS", "empty_tables", "exposures", "denosumab_rhs", "therapy_jump_times",
           "regimen_tables"]

#: canonical therapy name -> driver prefix
PREFIX = {
    "denosumab": "den",
    "alendronate": "aln",
    "risedronate": "ris",
    "zoledronic acid": "zol",
    "teriparatide": "teri",
    "abaloparatide": "abalo",
    "romosozumab": "romo",
    "estrogen": "est",
    "calcium": "ca",
    "vitamin d": "vitd",
    "msc": "msc",
}
#: therapies whose individual doses are resolved (each dose time is a jump time); the rest
#: (daily or weekly dosing acting over weeks) enter as their time-averaged rate
RESOLVED = ("den", "zol", "romo", "msc")
#: dosing blocks per therapy and patient (a restart or a dose change is a second block)
BLOCKS = 3


def empty_tables(n_blocks: int = BLOCKS) -> dict[str, np.ndarray]:
    """Dose tables with no doses for every therapy (one patient: arrays of shape (B,))."""
    out = {}
    for pre in PREFIX.values():
        for f in FIELDS:
            out[f"{pre}_{f}"] = np.ones(n_blocks) if f == "interval" else np.zeros(n_blocks)
    out.update(msc_therapy.empty_descriptors(n_blocks))
    return out


def therapy_jump_times(d: dict) -> list:
    """Jump times: each resolved dose, and the start and end of every averaged block."""
    out = []
    for pre in PREFIX.values():
        table = {f: np.atleast_2d(np.asarray(d[f"{pre}_{f}"])) for f in FIELDS}
        if pre in RESOLVED:
            out.append(dose_times(table))
        else:
            start, interval, count = table["start"], table["interval"], table["count"]
            out.append(np.where(count > 0, start, np.inf))
            out.append(np.where(count > 0, start + count * interval, np.inf))
    return out


def _tab(d, pre):
    return {f: d[f"{pre}_{f}"] for f in FIELDS}


def exposures(t, d: dict, p: dict, den_central):
    """Drug signals at time t (days): concentrations and daily-averaged exposures."""
    ln2 = jnp.log(2.0)
    # denosumab: concentration from the central amount (ng -> ng/mL)
    den_conc = den_central / p["den_V"]
    # bisphosphonates: bone-bound amount, alendronate-equivalent mg
    k_rel = ln2 / p["bp_release_halflife"]
    # averaged oral loading enters the bone pool as a rate; the pool is its running integral with
    # release -- closed form per block: rate / k (1 - e^{-k (t - start)}) while on, decaying after
    bp_oral = _averaged_pool(t, d, "aln", p["aln_F_bone"], k_rel) + _averaged_pool(t, d, "ris", p["ris_F_bone"] * p["ris_potency"], k_rel)
    zol = dict(_tab(d, "zol"), duration=0.0 * d["zol_duration"])  # a 15-min infusion is a bolus to bone
    bp_zol = p["zol_potency"] * p["zol_F_bone"] * depot_amount(t, zol, k_rel)
    bp_bound = bp_oral + bp_zol
    # PTH analogues: daily-averaged dose (ug/day, teriparatide-equivalent) and PTH increment
    teri_rate = mean_rate(t, _tab(d, "teri")) + p["abalo_equivalence"] * mean_rate(t, _tab(d, "abalo"))
    pth_increment = (teri_rate * p["teri_F"] * p["teri_pmol_per_ug"] / p["pth_clearance"]) * p["pivonka_pth_per_pM"]
    # romosozumab: Bateman superposition from two depot sums (mg/L)
    ka, ke = p["romo_ka"], p["romo_kel"]
    romo_amt = p["romo_F"] * ka / (ka - ke) * (depot_amount(t, _tab(d, "romo"), ke) - depot_amount(t, _tab(d, "romo"), ka))
    romo_conc = romo_amt / p["romo_V"]
    # hormone therapy and supplements
    est_rate = mean_rate(t, _tab(d, "est"))
    ca_rate = mean_rate(t, _tab(d, "ca"))
    vitd_rate = mean_rate(t, _tab(d, "vitd"))
    graft = msc_therapy.graft(t, d, p)
    return {
        "msc_lung": graft["lung"],
        "msc_marrow": graft["marrow"],
        "msc_x_osteo": graft["x_osteo"],
        "msc_x_adipo": graft["x_adipo"],
        "msc_paracrine": graft["paracrine"],
        "den_conc": den_conc,
        "bp_bound": bp_bound,
        "teri_rate": teri_rate,
        "pth_increment": pth_increment,
        "romo_conc": romo_conc,
        "est_rate": est_rate,
        "ca_supplement": ca_rate,
        "vitd_supplement": vitd_rate,
    }


def _averaged_pool(t, d, pre, f_bone, k):
    """Bone-bound amount from an averaged dosing block: closed form of dB/dt = f r - k B."""
    start, interval, count, amount = (d[f"{pre}_{f}"] for f in ("start", "interval", "count", "amount"))
    rate = jnp.where(count > 0, f_bone * amount / interval, 0.0)
    stop = start + count * interval
    on_time = jnp.clip(t - start, 0.0, jnp.maximum(stop - start, 0.0))
    after = jnp.maximum(t - stop, 0.0)
    return jnp.sum(rate / k * (-jnp.expm1(-k * on_time)) * jnp.exp(-k * after))


def denosumab_rhs(t, den_central, d, p):
    """dA/dt of the central denosumab amount (ng): SC absorption, linear and saturable elimination."""
    depot = 1e6 * depot_amount(t, _tab(d, "den"), p["den_ka"])  # mg -> ng
    conc = den_central / p["den_V"]
    return p["den_F"] * p["den_ka"] * depot - p["den_kel"] * den_central - p["den_vmax"] * conc / (p["den_km"] + conc)


def regimen_tables(regimen, t0_days: float, horizon_days: float, n_blocks: int = BLOCKS,
                   patient=None, params: dict | None = None) -> dict[str, np.ndarray]:
    """Dose tables (one patient, (B,) per field) of every therapy in a parsed regimen.

    ``t0_days``: model time of the simulation start; ``horizon_days``: simulated span.
    MSC lines also need the ``patient`` (donor age and disease state of autologous cells, body
    weight for cells/kg) and give per-block product descriptors (:func:`msc.msc_tables`);
    ``params``: parameter values for the product (default MSC2026).
    """
    from ..solve.dosing import dose_table

    out = empty_tables(n_blocks)
    out.update(msc_therapy.msc_tables(regimen, patient, t0_days, horizon_days, n_blocks, params))
    for therapy, pre in PREFIX.items():
        if pre == "msc":
            continue
        blocks = [b for pr in regimen if pr.therapy == therapy for b in pr.dosing_blocks(t0_days, horizon_days)]
        if len(blocks) > n_blocks:
            raise ValueError(f"regimen: {len(blocks)} dose trains of {therapy}; at most {n_blocks} are allowed")
        if blocks:
            out.update({k: v[0] for k, v in dose_table([blocks], n_blocks, prefix=pre + "_").items()})
    for pr in regimen:
        if pr.therapy not in PREFIX:
            raise ValueError(f"regimen: {pr.therapy!r} is not available in this version of the model; "
                             f"allowed: {', '.join(PREFIX)}")
    return out
