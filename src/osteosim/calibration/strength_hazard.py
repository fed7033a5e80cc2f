"""Fit the load-over-strength hazard to cohort gradients of risk (reproducible, closed form).

Per kind k (outcomes.strength_hazard) the rare-event gradients of risk of the untreated population
are ``ln GR_strength = (s / tau) lambda(c / tau)`` and ``ln GR_BMD = r ln GR_strength``, with
``c / tau = Phi^-1(Pbar)`` fixed by the published fracture probability per loading event.  At the
reference age (women, StrengthHazard2026 ``hazard_reference_age``) the two published gradients
therefore give, in closed form:

* ``r = ln GR_BMD / ln GR_strength`` (the BMD-strength correlation of the site),
* ``tau = s_B lambda(c / tau) / ln GR_BMD`` and ``sigma = sqrt(tau^2 - (s_B / r)^2)``.

Targets: vertebral: GR_BMD = Fracture2026 ``gr_vertebral`` (Marshall 1996), GR_strength =
``gr_strength_vertebral`` (Kopperdahl 2014); hip: ``gr_hip_women`` (Johnell 2005) and
``gr_strength_hip`` (Kopperdahl 2014); other nonvertebral: ``gr_other`` (Johnell 2005) with the
femoral neck's r (no cohort gradient per SD of strength for these fractures).  No treated arm's
fracture outcome is used.  The report adds the checks: the gradients at other ages and in men
(Orwoll 2009: femoral strength HR 6.5/SD age/BMI-adjusted), sigma_hip against the impact force's
own spread (Lim & Choi 2020), and the fall rate the hip's per-fall probability implies.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from . import stored_fit

__all__ = ["fit", "write_fit", "check", "summary", "gradient_table", "FIT_PATH"]

FIT_PATH = Path(str(resources.files("osteosim").joinpath("data/strength_hazard_fit.json")))
#: kind -> (Fracture2026 BMD gradient, StrengthHazard2026 strength gradient or None: the site's r)
TARGETS = {"vertebral": ("gr_vertebral", "gr_strength_vertebral"), "hip": ("gr_hip_women", "gr_strength_hip"),
           "wrist": ("gr_wrist", None), "other": ("gr_other", None)}


def fit(inputs: dict[str, float] | None = None) -> dict:
    """Fit sigma per kind and r per site; returns {"values", "report", "method"}.

    inputs: values to use instead of the shipped ones (a what-if, e.g. a cohort gradient at the edge of its
    CI: benchmarks/fracture_gap.py): StrengthHazard2026 inputs (not the values fitted here) or the
    Fracture2026 BMD gradients of :data:`TARGETS`."""
    from scipy.special import ndtri

    from ..outcomes.fracture import KIND_SITES, KINDS, FractureModel
    from ..outcomes.strength_hazard import mills
    from ..parameters.strength_hazard2026 import STRENGTH_HAZARD2026

    sp = STRENGTH_HAZARD2026.values_dict()
    fm = FractureModel()
    inputs = dict(inputs or {})
    bmd_gradients = {t[0]: fm.p[t[0]] for t in TARGETS.values()}
    bad = sorted(set(inputs) - set(sp) - set(bmd_gradients))
    if bad:
        raise ValueError(f"inputs: {', '.join(bad)} is not allowed (a StrengthHazard2026 input or one of "
                         f"{', '.join(sorted(bmd_gradients))})")
    fitted = {f"hazard_sigma_{k}" for k in KINDS} | {f"strength_bmd_corr_{KIND_SITES[k]}" for k, t in TARGETS.items() if t[1]}
    clash = sorted(set(inputs) & fitted)
    if clash:
        raise ValueError(f"inputs: {', '.join(clash)} is fitted here, not an input (give the gradients or the "
                         "per-event probabilities instead)")
    sp.update({k: v for k, v in inputs.items() if k in sp})
    bmd_gradients.update({k: v for k, v in inputs.items() if k in bmd_gradients})
    age = sp["hazard_reference_age"]
    values, report = {}, {}
    order = sorted(KINDS, key=lambda k: TARGETS[k][1] is None)  # kinds with a strength gradient first (their r)
    for kind in order:
        site = KIND_SITES[kind]
        gr_b_key, gr_s_key = TARGETS[kind]
        _, s_b = fm.log_strength_population(site, age, 1.0)
        s_b = float(s_b)
        ln_b = np.log(bmd_gradients[gr_b_key])
        if gr_s_key is not None:
            r = ln_b / np.log(sp[gr_s_key])
            if not 0.0 < r <= 1.0:
                raise ValueError(f"{gr_s_key}: {sp[gr_s_key]:g} with {gr_b_key} {bmd_gradients[gr_b_key]:g} is not allowed "
                                 "(strength must predict at least as well as BMD: 1 < gradient per SD of BMD <= gradient "
                                 "per SD of strength)")
            values[f"strength_bmd_corr_{site}"] = float(r)
        else:
            # a site without a strength gradient: the value fitted from another kind at the same site, else the set's
            r = values.get(f"strength_bmd_corr_{site}", sp[f"strength_bmd_corr_{site}"])
        lam = float(mills(ndtri(sp[f"fracture_per_event_{kind}"])))
        tau = s_b * lam / ln_b
        s_tot = s_b / r
        if tau <= s_tot:
            raise ValueError(f"{kind}: the gradients need tau {tau:.3g} > s {s_tot:.3g} (no load spread left); "
                             "check the per-event probability and the gradients")
        values[f"hazard_sigma_{kind}"] = float(np.sqrt(tau ** 2 - s_tot ** 2))
        report[kind] = {"site": site, "s_bmd": s_b, "s_strength": s_tot, "tau": tau, "inverse_mills": lam,
                        "target_gr_bmd": float(bmd_gradients[gr_b_key]),
                        "target_gr_strength": None if gr_s_key is None else float(sp[gr_s_key])}
    assert set(values) == fitted, "strength_hazard.fit: the fitted names changed; update `fitted`"
    sp_fit = {**sp, **values}
    report["gradients"] = gradient_table(sp_fit)
    hip = FractureModel().base_incidence(age, 1.0)[..., KINDS.index("hip")]
    report["checks"] = {
        "hazard_sigma_hip_vs_impact_log_sd": [values["hazard_sigma_hip"], sp["hip_impact_log_sd"]],
        "implied_falls_per_year_women_at_reference_age": float(hip / sp["fracture_per_event_hip"]),
        "falls_per_year_published": "about 1/3 of people >= 65 fall each year (NEJM falls overview, CDC)",
    }
    return {"values": values, "report": report, "reference_age": age,
            "method": "closed form: r = ln GR_BMD / ln GR_strength; tau = s_B lambda(Phi^-1(Pbar)) / ln GR_BMD; "
                      "sigma = sqrt(tau^2 - (s_B / r)^2) (osteosim.calibration.strength_hazard)"}


def gradient_table(strength_params: dict, ages=(50.0, 60.0, 70.0, 80.0, 90.0)) -> dict:
    """{sex: {kind: {age: [GR per SD strength, GR per SD BMD]}}} of the untreated population."""
    from ..outcomes.fracture import KIND_SITES, FractureModel

    fm = FractureModel(hazard="strength", strength_params=strength_params)
    out = {}
    for sex, female in (("women", 1.0), ("men", 0.0)):
        out[sex] = {}
        for kind, site in KIND_SITES.items():
            mu, s_b = fm.log_strength_population(site, np.asarray(ages), female)
            gs, gb = fm.shapes[kind].gradients(mu, s_b)
            out[sex][kind] = {f"{a:g}": [float(x), float(y)] for a, x, y in zip(ages, gs, gb)}
    return out


def write_fit(result: dict, path: Path = FIT_PATH) -> Path:
    return stored_fit.write(result, path)


def check(rtol: float = 1e-9) -> tuple[bool, dict]:
    """Re-derive the fit: (reproduced within rtol, {name: (stored, re-derived, rel. diff)})."""
    return stored_fit.check(fit, FIT_PATH, rtol)


def summary(result: dict) -> stored_fit.Summary:
    rows = []
    for sex, kinds in result["report"]["gradients"].items():
        for kind, ages in kinds.items():
            rep = result["report"][kind]
            for age, (gs, gb) in ages.items():
                rows.append((sex, kind, age, f"{gs:.2f}", f"{gb:.2f}", f"{rep['target_gr_strength'] or '-'}",
                             f"{rep['target_gr_bmd']}"))
    return stored_fit.Summary(
        "load over strength: gradients of risk per SD lower strength / BMD in the untreated population "
        f"(fitted at {result['reference_age']:g}, women)",
        ("sex", "kind", "age", "GR strength", "GR BMD", "cohort strength", "cohort BMD"), rows,
        [stored_fit.values_line(result["values"], fmt=".4f")])
