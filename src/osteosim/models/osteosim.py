"""Osteosim: the full lifetime model built from the Pivonka 2008 core.

Per skeletal site (lumbar spine, total hip, femoral neck, distal radius): osteoblast precursors
OBp, active osteoblasts OBa, active osteoclasts OCa (pM, the Pivonka core), bone
volume ``bv`` and mean mineral content ``mineral`` (both relative to the
young-adult peak), marrow fat fraction ``fat``, the remodeling space ``rs``
(bone resorbed but not yet refilled, relative to the young-adult bone volume), and the cancellous
compartment's bone volume ``bvc`` and mineral ``minc`` (the cortical rest follows from ``bv`` and
``mineral``; cancellous bone turns over ``cancellous_turnover_ratio_<site>`` times faster per volume).  Shared: the marrow MSC
(osteoprogenitor) pool ``msc`` and the osteoclast precursor pool ``ocp`` (both
relative to age 25).  Time ``t`` is the patient's age in days.

RANKL/OPG/PTH/TGF-beta are quasi-steady algebraic signals (Pivonka).  Lifetime
drivers (estrogen, PTH set-point, mechanical load, glucocorticoids, smoking)
come from :mod:`osteosim.physiology.drivers`.  With every extension gain at zero
and the Pivonka bone-volume constants, the cells and bone volume of each site
are exactly Pivonka 2008 (see :meth:`Osteosim.pivonka_reduction`).

The remodeling space is downstream only: ``drs/dt = J_res - rs / T_F`` (Little's law: the
resorption flux ``J_res`` that already removes bone volume, times the mean time ``T_F`` a
resorbed volume waits to be refilled), and no other rate reads it, so it adds information
(the resorption-cavity stress riser of :func:`osteosim.outcomes.strength.fracture_strength`)
without changing any other state.  So is the cancellous connectivity ``conn`` (connected struts
relative to the young adult): resorption perforates a strut where a cavity is deeper than the strut
is thick, and formation cannot refill a strut that is gone (:func:`perforation_rate`).
Equations and assumptions: docs/model.md.
"""
from __future__ import annotations

from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from ..parameters.base import ParameterSet
from ..parameters.osteosim2026 import OSTEOSIM2026
from ..parameters.msc2026 import MSC2026
from ..therapies import pkpd
from ..therapies.msc import SWITCHES as MSC_SWITCHES
from ..physiology import drivers as drv
from ..physiology.patient import SITES
from ..physiology.sites import SKELETON_WIDE_SITES
from ..units import DAYS_PER_YEAR
from .base import BlockStructure, Model, register_model
from .blocks import signalling as sig
from .pivonka2008 import steady_state_cells

__all__ = ["Osteosim", "SITE_STATES", "GLOBAL_STATES", "DOWNSTREAM_STATES", "POOL_READS", "young_remodeling_space", "perforation_rate"]

SITE_STATES = ("obp", "oba", "oca", "bv", "mineral", "fat", "rs", "bvc", "minc", "conn")
GLOBAL_STATES = ("msc", "ocp", "den_central", "reserve")
#: the site states no other state's rate reads (their rates read only themselves of the two):
#: declared in Osteosim.block_structure, which lets the Rosenbrock solver substitute them
DOWNSTREAM_STATES = ("rs", "conn")
#: the site states a shared state's rate reads (the precursor pool ocp reads the skeleton-wide sites'
#: RANK activation, which depends on these): declared in Osteosim.block_structure, so the solver takes
#: the other site columns (oca, fat, bvc, minc) of all four sites with one forward direction each
POOL_READS = ("obp", "oba", "bv", "mineral")
N_SITE = len(SITE_STATES)
#: the sites whose RANK activation the shared osteoclast precursor pool reads (physiology.sites:
#: the skeleton-wide ones; the distal radius is a small local site), as a slice of SITES
_POOL = [SITES.index(s) for s in SKELETON_WIDE_SITES]
if _POOL != list(range(len(_POOL))):
    raise ValueError("physiology.sites: the skeleton-wide sites must come first in SITE_TABLE")
_POOL_SITES = slice(0, len(_POOL))


def _site(p, stem):
    return jnp.stack([p[f"{stem}_{s}"] for s in SITES])


def young_remodeling_space(p, site: str) -> float:
    """Steady remodeling space at the young-adult peak (fraction of the young-adult bone volume):
    resorption flux there (``turnover_<site>``, 1/day, with bv = 1 and resorption at its reference)
    times the mean refill time T_F (days)."""
    return p[f"turnover_{site}"] * p["remodeling_refill_time"]


def perforation_rate(res_per_volume, bvc, conn, p):
    """Fraction of the connected cancellous struts perforated per day (any equal shapes).

    res_per_volume: cancellous resorption per cancellous bone present (1/day); bvc, conn: cancellous bone
    volume and connectivity relative to the young adult.  The surviving struts carry the bone, so their
    thickness relative to the young adult's is ``bvc / conn``; a cavity perforates its strut when it is
    deeper than the strut is thick, and ln(depth / thickness) varies between cavities and struts about
    ``ln(perforation_depth_ratio / thickness)`` with SD ``perforation_spread``.  That spread is taken as
    logistic (the normal CDF's closest elementary shape: same SD, slightly heavier tails) so the rate stays
    an elementary function (the SBML export has no erf).  ``perforation_gain``: perforations per unit of
    cancellous resorption at that chance (osteosim calibrate --perforation)."""
    z = (jnp.log(p["perforation_depth_ratio"]) - jnp.log(bvc / conn)) / p["perforation_spread"]
    chance = jax.nn.sigmoid(z * jnp.pi / jnp.sqrt(3.0))
    return p["perforation_gain"] * res_per_volume * chance


@register_model
class Osteosim(Model):
    """Full model: lifetime drivers, MSC lineage, four sites, mineralization."""

    name = "Osteosim"
    state_names = tuple(f"{v}_{s}" for s in SITES for v in SITE_STATES) + GLOBAL_STATES
    # the per-lane Rosenbrock solver (solve/rosenbrock.py): one Jacobian and LU per step, no
    # Newton iteration; against Kvaerno5 + Newton about 9x the speed at 13x less error
    # (engine-study.md, Q2: 741 vs 81 patients/s, max rel err 2.1e-6 vs 2.8e-5 at rtol 1e-6)
    solver = "Rodas5P"
    # BMD outcomes are reported to 0.01 %: rtol 1e-6 on scaled states keeps the error ~2e-6
    # relative against an rtol 1e-10 reference
    default_rtol = 1e-6
    description = ("Pivonka core + estrogen, PTH set-point, mechanostat/sclerostin, MSC lineage, 4 sites with "
                   "cancellous/cortical compartments, mineralization")
    uses_patient = True
    #: one jump-table width for every regimen (see Model.jump_width)
    jump_width = pkpd.MAX_JUMPS
    #: sites couple only through the shared pools (msc, ocp) and drug states: each site's 10 states
    #: form a block; rs and conn are downstream (no other rate reads them, neither reads the other),
    #: so the solver factors blocks of 8; the shared states read only POOL_READS of the sites
    #: (all three checked numerically in tests/models/test_osteosim_structure.py)
    block_structure = BlockStructure.from_names(
        state_names, [[f"{v}_{s}" for v in SITE_STATES] for s in SITES], GLOBAL_STATES,
        [f"{v}_{s}" for s in SITES for v in DOWNSTREAM_STATES],
        [f"{v}_{s}" for s in SKELETON_WIDE_SITES for v in POOL_READS])
    #: the MSC mechanism switches vary between a regimen's attribution lanes (see Model.lane_parameters)
    lane_parameters = tuple(MSC_SWITCHES.values())

    def default_parameters(self) -> ParameterSet:
        return PARAMETERS

    def default_drivers(self) -> dict[str, float]:
        return dict(drv.NEUTRAL_DRIVERS, **pkpd.empty_tables())

    def jump_times(self, drivers):
        return [drivers["input_start"], drivers["input_end"]] + pkpd.therapy_jump_times(drivers)

    def state_scale(self) -> np.ndarray:
        site = [1e-3, 1e-3, 1e-3, 1.0, 1.0, 1.0, 1e-2, 1.0, 1.0, 1.0]  # rs: a few % of the bone volume
        return np.array(site * len(SITES) + [1.0, 1.0, 1e7, 1.0])  # denosumab in ng

    def complete_drivers(self, params: dict, drivers: dict) -> dict:
        _check_compartments(params)
        d = dict(drivers)
        if "OBa_ref" not in d:
            ref = _reference_cells(tuple(sorted((k, float(v)) for k, v in params.items())))
            d["OBp_ref"], d["OBa_ref"], d["OCa_ref"] = ref
            pth0 = params["beta_PTH"] / params["D_PTH"]
            opg0 = sig.opg(ref[1], pth0, params)
            d["pi_rank_ref"] = float(sig.rank_activation(sig.rankl(ref[0], pth0, opg0, params), params))
        if "t_ref" not in d:  # people; a rat's t_ref comes with its patient drivers
            d["t_ref"] = drv.PEAK_AGE["human"] * DAYS_PER_YEAR
        return d

    def start_time(self, drivers: dict) -> float:
        """The young-adult peak (days of age), where :meth:`initial_state` applies."""
        return float(drivers["t_ref"])

    def initial_state(self, params, drivers=None) -> np.ndarray:
        """Young-adult peak: the Pivonka steady state at every site, bv = mineral = 1, and the
        remodeling space at its steady state there (resorption flux ``turnover_<site>`` times T_F)."""
        p = params.values_dict() if isinstance(params, ParameterSet) else dict(params)
        d = self.complete_drivers(p, dict(self.default_drivers(), **(drivers or {})))
        site = [[d["OBp_ref"], d["OBa_ref"], d["OCa_ref"], 1.0, 1.0, p["marrow_fat_young"],
                 young_remodeling_space(p, s), 1.0, 1.0, 1.0] for s in SITES]
        return np.array([v for block in site for v in block] + [1.0, 1.0, 0.0, 1.0])

    # ------------------------------------------------------------------------------------------
    def _signals(self, t, y, p, d):
        age = t / DAYS_PER_YEAR
        ys = y[: N_SITE * len(SITES)].reshape(len(SITES), N_SITE)
        obp, oba, oca, bv, mineral, fat, rs, bvc, minc, conn = (ys[:, i] for i in range(N_SITE))
        msc, ocp, den_central, reserve = (y[N_SITE * len(SITES) + k] for k in range(len(GLOBAL_STATES)))
        on = jnp.where((t >= d["input_start"]) & (t < d["input_end"]), 1.0, 0.0)
        x = pkpd.exposures(t, d, p, den_central)
        # hormone therapy restores part of the lost estrogen action and stops the PMO transient;
        # raloxifene, a partial agonist on bone, restores at most ralox_emax of what remains lost
        hrt = x["est_rate"] / (x["est_rate"] + p["est_ed50"])
        hrt = hrt + (1.0 - hrt) * p["ralox_emax"] * x["serm_rate"] / (x["serm_rate"] + p["ralox_ec50"])
        e_endo = drv.estrogen(age, d, p)
        e = e_endo + (1.0 - e_endo) * hrt
        # MSC (d): graft immunosuppression (T-cell apoptosis, Sui 2018) damps the estrogen-deficiency drive on bone
        imm = 1.0 - p["msc_switch_immunomodulation"] * x["msc_immune"]
        defic = jnp.clip(1.0 - e, 0.0, 1.0) * imm
        pmo = drv.pmo_transient(age, d, p) * (1.0 - hrt) * imm
        gc = d["glucocorticoids"]
        # supplements act through the PTH set-point (vitamin D: Heaney 2003, capped at 60 ng/mL)
        d_pth = dict(d, calcium=d["calcium"] + x["ca_supplement"],
                     vitd=jnp.minimum(d["vitd"] + x["vitd_supplement"] / 100.0 * p["vitd_ng_per_100iu"], 60.0))
        pth_ = sig.pth(p, production_scale=drv.pth_production(age, d_pth, p),
                       external=on * d["P_PTH"] + x["pth_increment"] * p["D_PTH"])
        # mechanostat: apparent strain ~ load / (bv * mineral)^q_s ; osteocyte sclerostin falls with strain.
        # q_s = 2 (apparent modulus ~ density^2) except where the bone's geometry adapts: the radius's
        # periosteum expands as it loses bone, so its bending strain rises much less than its BMD falls
        # (Ahlborg 2003).  Written as x^-2 x^(2 - q_s) so that q_s = 2 (x^0 = 1 exactly) leaves the spine,
        # hip and neck bit for bit as they were.
        dens = bv * mineral
        psi = drv.mechanical_load(age, d, p) / dens ** 2 * dens ** (2.0 - _site(p, "strain_bmd_exponent"))
        scl = psi ** (-p["sclerostin_exponent"])
        tgf = sig.tgfb(oca, p)
        opg_scale = (1.0 - gc * p["gc_opg_loss"])
        opg_ = sig.opg(oba, pth_, p, production_scale=opg_scale, external=on * d["P_OPG"])
        # romosozumab neutralises sclerostin: the free fraction scales its effects
        scl_free = 1.0 / (1.0 + x["romo_conc"] / p["romo_kd"])
        rankl_scale = (
            (1.0 + p["estrogen_rankl_gain"] * defic + pmo)
            * scl ** p["sclerostin_rankl_gain"]
            * scl_free ** p["romo_rankl_gain"]
            * (1.0 + gc * p["gc_rankl_gain"])
            # MSC (c): graft OPG lowers RANKL signalling (Oshita 2011)
            * (1.0 - p["msc_switch_osteoclast_inhibition"] * p["msc_rankl_suppression"] * x["msc_paracrine"])
        )
        decoy = p["den_rankl_affinity"] * x["den_conc"]  # denosumab binds RANKL
        rl = sig.rankl(obp, pth_, opg_, p, production_scale=rankl_scale, external=on * d["P_RANKL"], decoy=decoy)
        pi_rank = sig.rank_activation(rl, p)
        teri = x["teri_rate"] / (x["teri_rate"] + p["teri_anabolic_ec50"])
        # osteoblast recruitment the anabolic drugs would add on top of the patient's own (1 without
        # them); they draw on a finite reserve of quiescent lining cells/progenitors (``reserve``)
        drug_drive = scl_free ** (-p["romo_commitment_gain"]) * (1.0 + p["teri_commitment_gain"] * teri)
        drug_commit = 1.0 + (drug_drive - 1.0) * reserve
        commit = (
            (1.0 - p["estrogen_commitment_gain"] * defic)
            * (1.0 - gc * p["gc_commitment_loss"])
            # smoking acts on bone directly, after the menopause only (Law & Hackshaw 1997: not through estrogen)
            * (1.0 - d["smoker"] * p["smoking_commitment_loss"] * defic)
            * scl ** (-p["sclerostin_commitment_gain"])
            * drug_commit
            # MSC (b): paracrine growth factors raise endogenous osteoblast commitment
            * (1.0 + p["msc_switch_paracrine_formation"] * p["msc_paracrine_commit_gain"] * x["msc_paracrine"])
        )
        bp_effect = p["bp_emax"] * x["bp_bound"] / (x["bp_bound"] + p["bp_ec50"])
        return dict(
            age=age, obp=obp, oba=oba, oca=oca, bv=bv, mineral=mineral, fat=fat, rs=rs, bvc=bvc, minc=minc, conn=conn, msc=msc, ocp=ocp,
            estrogen=e, defic=defic, pmo=pmo, pth=pth_, psi=psi, scl=scl, tgf=tgf, opg=opg_, rankl=rl,
            pi_rank=pi_rank, commit=commit, drug_drive=drug_drive, reserve=reserve, gc=gc, teri=teri, bp_effect=bp_effect, scl_free=scl_free,
            den_central=den_central, x=x,
        )

    @staticmethod
    def _modeling_formation(s: dict, p) -> jnp.ndarray:
        """Modeling-based formation per site (young-adult bone volume per day), shape (n_sites,).

        The anabolic drugs turn quiescent lining cells back into osteoblasts that lay bone on quiescent
        surfaces with no resorption before it (Kim 2012: intermittent PTH; Kim 2017: sclerostin
        antibody; biopsies: Dempster 2016 teriparatide, Eriksen 2022 romosozumab).  It draws on the same
        finite lining-cell ``reserve`` as the drugs' extra recruitment, fills no remodeling space, and
        lands mostly on cancellous surfaces, so it scales with the site's cancellous fraction: the spine
        gains more than the hip, the one-third radius least.  Zero without an anabolic drug.
        """
        drive = p["teri_modeling_gain"] * s["teri"] + p["romo_modeling_gain"] * (1.0 - s["scl_free"])
        return s["bv"] ** p["bv_exponent"] * _site(p, "cancellous_fraction") * drive * s["reserve"]

    def rhs(self, t, y, p, d):
        s = self._signals(t, y, p, d)
        obp, oba, oca, bv, mineral, fat = s["obp"], s["oba"], s["oca"], s["bv"], s["mineral"], s["fat"]
        msc, ocp, defic, gc = s["msc"], s["ocp"], s["defic"], s["gc"]
        a_tgf = sig.act(s["tgf"], p["K_act_TGFb"])
        r_tgf = sig.rep(s["tgf"], p["K_rep_TGFb"])
        # lineage: osteogenic flux from the MSC pool, scaled by commitment
        flux_ob = p["D_OBu"] * msc ** p["msc_flux_exponent"] * s["commit"] * a_tgf
        # MSC (a): engrafted cells commit like endogenous progenitors (niche-limited supply x_osteo,
        # relative to the young pool) in the same marrow environment
        sw_diff = p["msc_switch_differentiation"]
        flux_ob = flux_ob + sw_diff * p["D_OBu"] * s["x"]["msc_x_osteo"] * s["commit"] * a_tgf
        d_obp = flux_ob - p["D_OBp"] * obp * r_tgf
        ob_apo = p["A_OBa"] * (1.0 + gc * p["gc_oba_apoptosis_gain"]) * (1.0 - p["teri_anabolic_emax"] * s["teri"])
        d_oba = p["D_OBp"] * obp * r_tgf - ob_apo * oba
        oc_apo = p["A_OCa"] * (1.0 - p["estrogen_oc_survival_gain"] * defic) * (1.0 + s["bp_effect"])
        d_oca = p["D_OCp"] * ocp * s["pi_rank"] - oc_apo * oca * a_tgf
        # bone volume and mineral per site (relative rates; balanced at the young-adult state)
        rho = _site(p, "turnover")
        # MSC (b): paracrine growth factors also raise the bone each osteoblast forms
        form = oba / d["OBa_ref"] * (1.0 + p["msc_switch_paracrine_formation"] * p["msc_paracrine_activity_gain"]
                                     * s["x"]["msc_paracrine"])
        res = oca / d["OCa_ref"]
        # two compartments per site: cancellous (fraction f of the young-adult bone, state bvc, mineral minc)
        # and cortical (the rest, derived from the site totals bv and mineral); the same cell activity
        # acts on both, the cancellous turning over R times faster per volume (its surface per volume)
        f = _site(p, "cancellous_fraction")
        e = p["bv_exponent"]
        r_c = _site(p, "cancellous_turnover_ratio")
        rho_k = rho / (f * r_c + 1.0 - f)
        rho_c = r_c * rho_k
        bvc, minc = s["bvc"], s["minc"]
        bvk = (bv - f * bvc) / (1.0 - f)
        mk = (bv * mineral - f * bvc * minc) / ((1.0 - f) * bvk)
        j_mbf = self._modeling_formation(s, p) / f  # modeling-based formation lands on cancellous surfaces
        form_c, form_k = bvc ** e * rho_c * form, bvk ** e * rho_k * form
        res_c, res_k = bvc ** e * rho_c * res, bvk ** e * rho_k * res
        j_res = f * res_c + (1.0 - f) * res_k  # resorption flux (young-adult bone volume per day)
        d_bvc = form_c - res_c + j_mbf
        d_bvk = form_k - res_k
        d_bv = f * d_bvc + (1.0 - f) * d_bvk
        mn, mx = p["mineral_new"], p["mineral_max"]
        # new bone (remodeling- and modeling-based) enters at the primary mineral content, then
        # mineralizes towards the maximum at the rate that balances it at the young-adult turnover
        d_minc = (form_c + j_mbf) / bvc * (mn - minc) + rho_c * (1.0 - mn) / (mx - 1.0) * (mx - minc)
        d_mk = form_k / bvk * (mn - mk) + rho_k * (1.0 - mn) / (mx - 1.0) * (mx - mk)
        d_min = (f * (d_bvc * minc + bvc * d_minc) + (1.0 - f) * (d_bvk * mk + bvk * d_mk) - mineral * d_bv) / bv
        # marrow fat: adipogenic share of commitment fills marrow; adipocytes turn over slowly
        # the osteogenic share falls with the aging osteoprogenitor pool and with lower commitment;
        # what is not osteogenic is adipogenic (D'Ippolito 1999; Griffith 2012)
        # (the mechanostat acts on osteoblast recruitment, not on this lineage allocation)
        lineage = (1.0 - p["estrogen_commitment_gain"] * defic) * (1.0 - gc * p["gc_commitment_loss"])
        phi = jnp.clip(p["osteogenic_share"] * lineage * msc ** p["msc_fat_exponent"], 0.0, 1.0)
        f0 = p["marrow_fat_young"]
        k_in = p["adipocyte_turnover"] * f0 / ((1.0 - p["osteogenic_share"]) * (1.0 - f0))
        # MSC (a): the adipogenic share of engrafted cells fills marrow like the pool's (x_adipo)
        d_fat = k_in * (1.0 - phi + sw_diff * s["x"]["msc_x_adipo"]) * (1.0 - fat) - p["adipocyte_turnover"] * fat
        # shared pools
        # t_ref: the young-adult peak (age 25 for people, earlier for rats: physiology.drivers.PEAK_AGE)
        msc_target = jnp.exp(-p["msc_age_decline"] * jnp.maximum(t - d["t_ref"], 0.0) / DAYS_PER_YEAR)
        d_msc = p["msc_relaxation"] * (msc_target - msc)
        # anabolic drugs activate the reserve faster than it renews, so their extra recruitment wanes
        # after an early peak (romosozumab P1NP back near baseline by 9-12 months) and recovers off drug
        # (reserve exhaustion: an assumption, fitted to the FRAME P1NP course)
        d_res = p["reserve_renewal"] * (1.0 - s["reserve"]) - p["reserve_depletion"] * (s["drug_drive"] - 1.0) * s["reserve"]
        # precursors leave the pool mostly by RANKL-driven differentiation: when RANK signalling
        # is blocked they accumulate (osteomorphs, McDonald 2021), the source of the rebound; the pool
        # reads the skeleton-wide sites only (a local site such as the radius leaves it unchanged)
        ocp_target = (1.0 + p["estrogen_ocp_gain"] * defic)
        w = p["ocp_other_loss"]
        use = w + (1.0 - w) * jnp.mean(s["pi_rank"][_POOL_SITES]) / d["pi_rank_ref"]
        d_ocp = p["ocp_relaxation"] * (ocp_target - ocp * use)
        d_den = pkpd.antibody_rhs(t, s["den_central"], d, p)
        # remodeling space (Little's law): resorbed bone waits on average T_F to be refilled; nothing
        # above reads rs, so it leaves every other state as it was (downstream only)
        # (modeling-based formation lays bone where none was resorbed: it refills no cavity)
        d_rs = j_res - s["rs"] / p["remodeling_refill_time"]
        # cancellous connectivity: struts perforated by cavities deeper than they are thick are lost for good
        # (formation, remodeling- or modeling-based, thickens the struts left; it never reconnects one);
        # nothing above reads conn either (downstream only)
        d_conn = -perforation_rate(res_c / bvc, bvc, s["conn"], p) * s["conn"]
        site = jnp.stack([d_obp, d_oba, d_oca, d_bv, d_min, d_fat, d_rs, d_bvc, d_minc, d_conn], axis=1).reshape(-1)
        return jnp.concatenate([site, jnp.stack([d_msc, d_ocp, d_den, d_res])])

    def outputs(self, t, y, p, d):
        s = self._signals(t, y, p, d)
        mbf = self._modeling_formation(s, p)
        out = {"estrogen": s["estrogen"], "pth": s["pth"], "pmo_rankl": s["pmo"], "msc_pool": s["msc"],
               "osteoclast_precursors": s["ocp"], "denosumab_ng_per_ml": s["x"]["den_conc"],
               "bisphosphonate_bound_mg": s["x"]["bp_bound"], "romosozumab_mg_per_l": s["x"]["romo_conc"],
               "pth_analogue_ug_per_day": s["x"]["teri_rate"], "free_sclerostin_fraction": s["scl_free"],
               "bisphosphonate_oc_apoptosis_gain": s["bp_effect"], "pth_anabolic_effect": s["teri"],
               "msc_graft_lung_cells": s["x"]["msc_lung"], "msc_immunosuppression": s["x"]["msc_immune"],
               "anabolic_reserve": s["reserve"]}
        for i, site in enumerate(SITES):
            out[f"rankl_{site}"] = s["rankl"][i]
            out[f"opg_{site}"] = s["opg"][i]
            out[f"tgfb_{site}"] = s["tgf"][i]
            out[f"sclerostin_{site}"] = s["scl"][i]
            out[f"mech_stimulus_{site}"] = s["psi"][i]
            out[f"commitment_{site}"] = s["commit"][i]
            out[f"modeling_formation_{site}"] = mbf[i] * DAYS_PER_YEAR
            out[f"msc_graft_marrow_cells_{site}"] = s["x"]["msc_marrow"][i]
            out[f"msc_graft_osteogenic_supply_{site}"] = s["x"]["msc_x_osteo"][i]
            out[f"msc_paracrine_{site}"] = s["x"]["msc_paracrine"][i]
        return out

    # ------------------------------------------------------------------------------------------
    def pivonka_reduction(self, params: ParameterSet | None = None) -> ParameterSet:
        """Parameters under which every site is exactly Pivonka 2008 (extensions off).

        Bone volume: bv = BV/100 with Pivonka's k_form/k_res, i.e. turnover terms
        rho_form = k_form OBa*/100 and rho_res = k_res OCa*/100 — expressed here by
        running with ``bv_exponent = 0`` and the dedicated driver ``pivonka_bv``.
        """
        params = params or self.default_parameters()
        zero = [
            "estrogen_rankl_gain", "estrogen_oc_survival_gain", "estrogen_ocp_gain", "estrogen_commitment_gain",
            "pmo_rankl_amplitude", "pth_vitd_gain", "pth_calcium_gain", "pth_age_slope", "sclerostin_exponent",
            "sclerostin_commitment_gain", "sclerostin_rankl_gain", "msc_age_decline", "bv_exponent",
            "load_muscle_coupling", "smoking_commitment_loss",
        ]
        return params.with_(source="Pivonka reduction", ocp_other_loss=1.0, **{k: 0.0 for k in zero})

    def cache_key(self) -> tuple:
        return (self.name, pkpd.fingerprint())  # the registered drugs are part of the traced model


PARAMETERS = OSTEOSIM2026.merged(pkpd.drug_parameters()).merged(MSC2026, name="Osteosim2026")


def _check_compartments(p: dict) -> None:
    """The compartment split needs a cancellous fraction strictly between 0 and 1 at every site (the cortical rest
    is divided by 1 - f) and a positive turnover ratio: a clear error instead of NaN states."""
    for s in SITES:
        f = np.asarray(p[f"cancellous_fraction_{s}"], float)
        if not np.all((f > 0.0) & (f < 1.0)):
            raise ValueError(f"cancellous_fraction_{s}: {f.tolist()} is outside the allowed range (0, 1)")
        r = np.asarray(p[f"cancellous_turnover_ratio_{s}"], float)
        if not np.all(r > 0.0):
            raise ValueError(f"cancellous_turnover_ratio_{s}: {r.tolist()} is not allowed; it must be > 0")


@lru_cache(maxsize=64)
def _reference_cells(items: tuple) -> tuple[float, float, float]:
    p = dict(items)
    return tuple(float(v) for v in steady_state_cells(p))
