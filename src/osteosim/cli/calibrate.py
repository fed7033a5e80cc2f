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
    radius: bool = typer.Option(False, "--radius", help="Fit the distal radius's turnover, strain exponent and cancellous "
                                "turnover ratio to the published forearm BMD and trabecular loss (rows 90a-90e, 90g, 90h), "
                                "every other parameter fixed, instead."),
    rat_msc: bool = typer.Option(False, "--rat-msc", help="Fit the rat's route-level MSC efficacy (niche capacity, "
                                 "IV secretome reach, immunomodulation gain and half-life) to the OVX-rodent effect sizes "
                                 "(rows 68d-68h), rat only, instead."),
    perforation: bool = typer.Option(False, "--perforation", help="Fit the trabecular perforation gain to the age "
                                     "decline of vertebral trabecular number (and store the population's strut-loss "
                                     "strength term by age) instead."),
) -> None:
    """Fit the natural-history and drug parameters jointly (or, with --fractures, the trial fracture incidence; with
    --strength, the strength law's mineral exponent; with --cavity, the cavity stress riser; with --hazard, the
    load-over-strength hazard; with --radius, the distal radius's turnover, strain exponent and cancellous ratio; with --rat-msc, the rat's MSC
    efficacy; with --perforation, the trabecular perforation gain) parameters to the published targets."""
    import importlib

    from rich.table import Table

    chosen = {"trial_fractures": fractures, "strength": strength, "cavity": cavity, "strength_hazard": hazard,
              "radius": radius, "rat_msc": rat_msc, "perforation": perforation}
    if therapies + sum(chosen.values()) > 1:
        raise typer.BadParameter("give one of --therapies, --fractures, --strength, --cavity, --hazard, --radius, "
                                 "--rat-msc and --perforation")
    # every fit module has the same verbs (calibration.stored_fit): fit, check, write_fit, summary; the natural
    # history and the drug effects are one joint fit (calibration.joint), which --therapies shows drug rows first
    name = next((k for k, on in chosen.items() if on), "joint")
    module = importlib.import_module(f"osteosim.calibration.{name}")
    if check:
        ok, diffs = module.check()
        t = Table(title=f"calibrate --check: stored vs re-derived ({name.replace('_', ' ')} fit)")
        for c in ("parameter", "stored", "re-derived", "rel. diff"):
            t.add_column(c)
        for k, (old, new, rel) in diffs.items():
            t.add_row(k, f"{old:.6g}", f"{new:.6g}", f"{rel:.1e}")
        _console().print(t)
        if not ok:
            raise typer.Exit(1)
        return
    result = module.fit()
    summary = module.summary(result, therapies_first=True) if therapies else module.summary(result)
    t = Table(title=summary.title)
    for c in summary.columns:
        t.add_column(c)
    for row in summary.rows:
        t.add_row(*row)
    _console().print(t)
    for line in summary.notes:
        _console().print(line)
    if write:
        paths = module.write_fit(result)
        _console().print("wrote " + ", ".join(str(p) for p in (paths if isinstance(paths, tuple) else (paths,))))
