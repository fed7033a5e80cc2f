"""Pivonka et al. 2008: OBp, OBa, OCa with algebraic RANKL/OPG/PTH/TGF-beta, plus bone volume."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from ..parameters.base import ParameterSet
from ..parameters.pivonka2008 import PIVONKA2008
from .base import Model, register_model
from .blocks import signalling as sig

__all__ = ["Pivonka2008", "pivonka_cells_rhs", "steady_state_cells"]


def pivonka_cells_rhs(obp, oba, oca, p, pth_, *, tgfb_external=0.0, opg_external=0.0, rankl_external=0.0):
    """Cell derivatives and signals of the Pivonka core for one site (shared with Osteosim)."""
    tgf = sig.tgfb(oca, p, external=tgfb_external)
    opg_ = sig.opg(oba, pth_, p, external=opg_external)
    rl = sig.rankl(obp, pth_, opg_, p, external=rankl_external)
    pi_rank = sig.rank_activation(rl, p)
    d_obp = p["D_OBu"] * sig.act(tgf, p["K_act_TGFb"]) - p["D_OBp"] * obp * sig.rep(tgf, p["K_rep_TGFb"])
    d_oba = p["D_OBp"] * obp * sig.rep(tgf, p["K_rep_TGFb"]) - p["A_OBa"] * oba
    d_oca = p["D_OCp"] * pi_rank - p["A_OCa"] * oca * sig.act(tgf, p["K_act_TGFb"])
    return (d_obp, d_oba, d_oca), {"TGFb": tgf, "OPG": opg_, "RANKL": rl, "pi_RANK": pi_rank}


def steady_state_cells(p: dict, pth_scale: float = 1.0) -> np.ndarray:
    """Steady state (OBp, OBa, OCa) in pM with no external inputs, by root finding.

    A damped Newton iteration in log space (three unknowns, finite-difference Jacobian) rather than
    scipy.optimize.root: every patient run needs this once per process, and importing
    scipy.optimize alone cost 0.6 s of the 3 s start-up budget of ``osteosim simulate``.
    """
    pn = {k: float(v) for k, v in p.items()}
    pth_ = pn["beta_PTH"] * pth_scale / pn["D_PTH"]

    def f(x: np.ndarray) -> np.ndarray:
        obp, oba, oca = np.exp(x)  # log-space keeps the search positive
        (a, b, c), _ = pivonka_cells_rhs(obp, oba, oca, pn, pth_)
        return np.array([float(a) / obp, float(b) / oba, float(c) / oca])

    x = np.log([6e-4, 5.5e-4, 8e-4])
    fx = f(x)
    for _ in range(100):
        if np.max(np.abs(fx)) < 1e-13:
            break
        jac = np.column_stack([(f(x + h) - fx) / 1e-7 for h in np.eye(3) * 1e-7])
        step = np.linalg.solve(jac, -fx)
        lam = 1.0
        while lam > 1e-4:  # backtrack until the residual falls
            trial = f(x + lam * step)
            if np.all(np.isfinite(trial)) and np.max(np.abs(trial)) < np.max(np.abs(fx)):
                break
            lam *= 0.5
        x, fx = x + lam * step, f(x + lam * step)
    if not np.max(np.abs(fx)) <= 1e-9:
        raise RuntimeError(f"Pivonka steady state not found (residual {np.max(np.abs(fx)):.2e})")
    return np.exp(x)


@register_model
class Pivonka2008(Model):
    """Pivonka 2008 with bone volume BV (%), Scheiner-style dBV/dt = k_form ΔOBa − k_res ΔOCa.

    External inputs (drivers) are the paper's P_PTH, P_OPG, P_RANKL (pM/day) active on
    ``input_start <= t < input_end`` days (the bone-models PTH load case uses 0..100 d).
    """

    name = "Pivonka2008"
    state_names = ("OBp", "OBa", "OCa", "BV")
    solver = "Kvaerno5"
    description = "Pivonka 2008 RANK/RANKL/OPG/PTH/TGF-beta model with bone volume"

    def default_parameters(self) -> ParameterSet:
        return PIVONKA2008

    def default_drivers(self) -> dict[str, float]:
        return {"P_PTH": 0.0, "P_OPG": 0.0, "P_RANKL": 0.0, "input_start": 0.0, "input_end": 100.0, "BV0": 100.0}

    def jump_times(self, drivers):
        return [drivers["input_start"], drivers["input_end"]]

    def state_scale(self) -> np.ndarray:
        return np.array([1e-3, 1e-3, 1e-3, 100.0])

    def initial_state(self, params, drivers=None) -> np.ndarray:
        d = dict(self.default_drivers(), **(drivers or {}))
        p = params.values_dict() if isinstance(params, ParameterSet) else dict(params)
        return np.append(steady_state_cells(p), d["BV0"])

    def complete_drivers(self, params: dict, drivers: dict) -> dict:
        """Add the steady-state reference cells that the deviation form of dBV/dt needs."""
        d = dict(drivers)
        if "OBa_ref" not in d or "OCa_ref" not in d:
            ss = steady_state_cells(params)
            d.setdefault("OBa_ref", float(ss[1]))
            d.setdefault("OCa_ref", float(ss[2]))
        return d

    def rhs(self, t, y, p, drivers):
        on = jnp.where((t >= drivers["input_start"]) & (t < drivers["input_end"]), 1.0, 0.0)
        pth_ = sig.pth(p, external=on * drivers["P_PTH"])
        (d1, d2, d3), _ = pivonka_cells_rhs(
            y[0], y[1], y[2], p, pth_, opg_external=on * drivers["P_OPG"], rankl_external=on * drivers["P_RANKL"]
        )
        dbv = p["k_form"] * (y[1] - drivers["OBa_ref"]) - p["k_res"] * (y[2] - drivers["OCa_ref"])
        return jnp.stack([d1, d2, d3, dbv])

    def outputs(self, t, y, p, drivers):
        on = jnp.where((t >= drivers["input_start"]) & (t < drivers["input_end"]), 1.0, 0.0)
        pth_ = sig.pth(p, external=on * drivers["P_PTH"])
        _, s = pivonka_cells_rhs(
            y[0], y[1], y[2], p, pth_, opg_external=on * drivers["P_OPG"], rankl_external=on * drivers["P_RANKL"]
        )
        return {"PTH": pth_, **s}
