"""RANK/RANKL/OPG, PTH and TGF-beta as quasi-steady algebraic signals (Pivonka 2008).

Receptor binding and ligand turnover happen in minutes to hours, so these are
algebraic functions of the cell states (as in the published model), not ODE
states.  Every function is pure ``jax.numpy`` on scalars of one patient/site.
"""
from __future__ import annotations

__all__ = ["act", "rep", "tgfb", "pth", "opg", "rankl", "rank_activation"]


def act(x, k):
    """Activator function x / (x + K)."""
    return x / (x + k)


def rep(x, k):
    """Repressor function K / (x + K)."""
    return k / (x + k)


def tgfb(oca, p, release_scale=1.0, external=0.0):
    """Active TGF-beta (pM) released from matrix by resorption."""
    return (p["alpha_TGFb"] * p["k_res_TGFb"] * oca * release_scale + external) / p["D_TGFb"]


def pth(p, production_scale=1.0, external=0.0):
    """Serum PTH (pM): endogenous production (scaled by calcium / vitamin D / age) plus infusion."""
    return (p["beta_PTH"] * production_scale + external) / p["D_PTH"]


def opg(oba, pth_, p, production_scale=1.0, external=0.0):
    """OPG (pM) made by active osteoblasts, repressed by PTH, with saturation OPG_max."""
    prod = p["beta_OPG"] * oba * rep(pth_, p["K_rep_PTH"]) * production_scale
    return (prod + external) * p["OPG_max"] / (prod + p["D_OPG"] * p["OPG_max"])


def rankl(obp, pth_, opg_, p, production_scale=1.0, external=0.0, decoy=0.0):
    """Free RANKL (pM) on osteoblast precursors, stimulated by PTH, bound by OPG and RANK.

    ``decoy`` adds further RANKL binders (denosumab) to the binding denominator.
    """
    eff = p["R_RANKL"] * obp * act(pth_, p["K_act_PTH"]) * production_scale
    bound = 1.0 + p["KA_OPG"] * opg_ + p["KA_RANK"] * p["RANK"] + decoy
    return eff / bound * (p["beta_RANKL"] + external) / (p["beta_RANKL"] + p["D_RANKL"] * eff)


def rank_activation(rankl_, p):
    """Fraction of RANK activated (bone-models form, RANK-RANKL complex over K)."""
    c = p["KA_RANK"] * rankl_ * p["RANK"]
    return c / (c + p["K_RANK"])
