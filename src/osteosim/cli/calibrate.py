"""``osteosim calibrate``: fit natural-history, drug or trial-fracture parameters to their targets."""
from __future__ import annotations

import typer

from .console import _console


def calibrate(
    check: bool = typer.Option(False, "--check", help="Re-derive the fit and compare with the shipped values."),
    write: bool = typer.Option(False, "--write", help="Store the new fit in the package (developers)."),
    therapies: bool = typer.Option(False, "--therapies", help="The same joint fit of the natural history and the drug "
                                   "effects, its drug rows first."),
    fractures: bool = typer.Option(False, "--fractures", help="Fit the trial-population fracture incidence factors "
                                   "to the published placebo arms instead."),
    strength: bool = typer.Option(False, "--strength", help="Fit the strength law's mineral exponent to the FREEDOM "
                                  "QCT finite-element strength changes instead."),
    cavity: bool = typer.Option(False, "--cavity", help="Derive the resorption-cavity stress-riser coefficients "
                                "from the micro-FE strength losses instead."),
    hazard: bool = typer.Option(False, "--hazard", help="Fit the load-over-strength fracture hazard (event spread, "
                                "BMD-strength correlation) to the cohort gradients of risk instead."),
    radius: bool = typer.Option(False, "--radius", help="Fit the distal radius's turnover to the published forearm "
                                "BMD loss (rows 90a-90e), every other parameter fixed, instead."),
    rat_msc: bool = typer.Option(False, "--rat-msc", help="Fit the rat's route-level MSC efficacy (niche capacity, "
                                 "IV secretome reach, immunomodulation gain and half-life) to the OVX-rodent effect sizes "
                                 "(rows 68d-68h), rat only, instead."),
    perforation: bool = typer.Option(False, "--perforation", help="Fit the trabecular perforation gain to the age "
                                     "decline of vertebral trabecular number (and store the population's strut-loss "
                                     "strength term by age) instead."),
) -> None:
    """Fit the natural-history and drug parameters jointly (or, with --fractures, the trial fracture incidence; with
    --strength, the strength law's mineral exponent; with --cavity, the cavity stress riser; with --hazard, the
    load-over-strength hazard; with --radius, the distal radius's turnover; with --rat-msc, the rat's MSC
    efficacy; with --perforation, the trabecular perforation gain) parameters to the published targets."""
    from rich.table import Table

    if therapies + fractures + strength + cavity + hazard + radius + rat_msc + perforation > 1:
        raise typer.BadParameter("give one of --therapies, --fractures, --strength, --cavity, --hazard, --radius, "
                                 "--rat-msc and --perforation")
    if hazard:
        _calibrate_hazard(check, write)
        return
    if strength or fractures or cavity or radius or rat_msc or perforation:
        from ..calibration import cavity as cv
        from ..calibration import perforation as pf
        from ..calibration import radius as rf
        from ..calibration import rat_msc as rm
        from ..calibration import strength as sf
        from ..calibration import trial_fractures as tf

        module = sf if strength else cv if cavity else rf if radius else rm if rat_msc else pf if perforation else tf
        if check:
            ok, diffs = module.check()
            for k, (old, new, rel) in diffs.items():
                _console().print(f"{k}: stored {old:.6g}, re-derived {new:.6g} (rel. diff {rel:.1e})")
            if not ok:
                raise typer.Exit(1)
            return
        result = module.fit()
        if cavity:
            t = Table(title="resorption-cavity stress riser: c = cancellous strength loss / x of the reference woman "
                            "(x: cancellous remodeling space per cancellous bone)")
            cols = ("site", "x reference", "x young adult", "strength loss", "C reference vs young")
            rows = [(k, f"{r['reference_rs_per_bv']:.4f}", f"{r['young_adult_rs']:.4f}", f"{r['strength_loss']:g}",
                     f"{r['cavity_factor_reference_vs_young']:.3f}") for k, r in result["report"].items()]
        elif perforation:
            t = Table(title="trabecular perforation: connected cancellous struts of the untreated reference woman and man "
                            "(1 = young adult; fitted: lumbar spine 85 y / 41 y = perforation_reference_ratio)")
            cols = ("sex, site", "41 y", "51 y", "65 y", "75 y", "85 y", "ln F share at 75 y")
            rows = [(k, *(f"{r[f'conn_{a}']:.3f}" for a in (41, 51, 65, 75, 85)), f"{r['log_term_75']:+.3f}")
                    for k, r in result["report"].items()]
        elif strength or radius or rat_msc:
            t = Table(title="distal radius: forearm BMD loss (rows not fitted are checks)" if radius else
                      "rat OVX femur: MSC effect sizes (rat only; rows not fitted are checks)" if rat_msc else
                      "strength law: QCT finite-element strength changes (rows not fitted are checks)")
            cols = ("target", "simulated", "value", "tolerance", "pass", "fitted", "source")
            rows = [(k, f"{r['simulated']:.2f}", f"{r['target']:g}", f"{r['tolerance']:g}", "yes" if r["pass"] else "NO",
                     "yes" if r["fitted"] else "check", r["source"][:60]) for k, r in result["report"].items()]
        else:
            t = Table(title="trial fracture incidence: placebo arms, % with >= 1 fracture")
            cols = ("target", "published", "general population", "fitted", "source")
            rows = [(k, f"{r['published_placebo_pct']:.2f}", f"{r['simulated_general_pct']:.2f}",
                     f"{r['simulated_fitted_pct']:.2f}", r["source"][:60]) for k, r in result["report"].items()]
        for c in cols:
            t.add_column(c)
        for row in rows:
            t.add_row(*row)
        _console().print(t)
        _console().print(", ".join(f"{k} = {v:.4g}" + (f" ({v * 365.25:.4f}/y)" if radius else "")
                                   for k, v in result["values"].items()))
        if rat_msc:
            bound = [k for k, b in result["at_prior_bound"].items() if b]
            _console().print(f"at a prior bound: {', '.join(bound) or 'none'}; human values (not tied, hypothetical): "
                             + ", ".join(f"{k} = {v:g}" for k, v in result["human_values_not_tied"].items()))
        if write:
            _console().print(f"wrote {module.write_fit(result)}")
        return

    # the natural history and the drug effects are one joint fit (calibration.joint): --therapies shows
    # the same fit, its drug rows first
    from ..calibration import joint

    if check:
        ok, diffs = joint.check()
        t = Table(title="calibrate --check: stored vs re-derived (joint fit)")
        for c in ("parameter", "stored", "re-derived", "rel. diff"):
            t.add_column(c)
        for k, (old, new, rel) in diffs.items():
            t.add_row(k, f"{old:.6g}", f"{new:.6g}", f"{rel:.2e}" if rel is not None else "-")
        _console().print(t)
        if not ok:
            raise typer.Exit(1)
        return
    result = joint.fit()
    t = Table(title="joint calibration: natural history and drug effects")
    for c in ("target", "simulated", "value", "tolerance", "pass", "source"):
        t.add_column(c)
    parts = ("therapies", "natural_history") if therapies else ("natural_history", "therapies")
    for part in parts:
        for k, r in result["parts"][part].items():
            t.add_row(k, f"{r['simulated']:.2f}", str(r["target"]), f"{r['tolerance']:.2f}", "yes" if r["pass"] else "NO",
                      r["source"])
    _console().print(t)
    if write:
        _console().print("wrote " + ", ".join(str(p) for p in joint.write_fit(result)))


def _calibrate_hazard(check: bool, write: bool) -> None:
    """``--hazard``: the closed-form fit of osteosim.calibration.strength_hazard and its gradients by age."""
    from rich.table import Table

    from ..calibration import strength_hazard as sh

    if check:
        ok, diffs = sh.check()
        for k, (old, new, rel) in diffs.items():
            _console().print(f"{k}: stored {old:.6g}, re-derived {new:.6g} (rel. diff {rel:.1e})")
        if not ok:
            raise typer.Exit(1)
        return
    result = sh.fit()
    t = Table(title="load over strength: gradients of risk per SD lower strength / BMD in the untreated population "
                    f"(fitted at {result['reference_age']:g}, women)")
    for c in ("sex", "kind", "age", "GR strength", "GR BMD", "cohort strength", "cohort BMD"):
        t.add_column(c)
    for sex, kinds in result["report"]["gradients"].items():
        for kind, ages in kinds.items():
            rep = result["report"][kind]
            for age, (gs, gb) in ages.items():
                t.add_row(sex, kind, age, f"{gs:.2f}", f"{gb:.2f}", f"{rep['target_gr_strength'] or '-'}",
                          f"{rep['target_gr_bmd']}")
    _console().print(t)
    _console().print(", ".join(f"{k} = {v:.4f}" for k, v in result["values"].items()))
    if write:
        _console().print(f"wrote {sh.write_fit(result)}")
