"""Issue 17 item 7's natural-history points, simulated vs published (a measurement, not a fit).

    python benchmarks/natural_history_points.py [--out benchmarks/results/natural_history_points.md]

One untreated woman (typical risk profile, natural menopause at 51) from 44 to 90, and the same woman
smoking, or with menopause at 45:

* total-hip loss by age (SOF, Ensrud 1995, J Bone Miner Res 10:1778, abstract: 2.5 mg/cm^2/y, 95 % CI
  2.0-2.9, at 67-69 rising to 10.4, 8.4-12.4, at 85 and over);
* femoral-neck and lumbar-spine change over SWAN's ten years, FMP-5 y to FMP+5 y (Greendale 2012, J Bone Miner
  Res 27:111, abstract: FN -9.1 %, LS -10.6 %);
* BMD at 70 of a smoker (Law & Hackshaw 1997, BMJ 315:841: ~2 % lower per decade after the menopause, 6 % by 80,
  so ~-4 % at 70) and of a woman with a menopause at 45 (SWAN, Shieh 2022: 0.004 g/cm^2 lower FN BMD per year since
  the FMP, ~-3 % for 6 years) relative to the typical woman.

These are calibration-targets.csv rows 91a-94, fitted jointly (calibration.joint); the table shows where the fit
left them.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SITES3 = ("lumbar_spine", "total_hip", "femoral_neck")


def _run(age0: float, **kw):
    from osteosim import Patient, Simulation

    return Simulation(Patient(sex="female", age=age0, **kw), years=90.0 - age0, saves_per_year=4).solve().timeseries


def _at(df, col: str, age: float) -> float:
    return float(np.interp(age, df.age, df[col]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=None, help="also write the markdown table here")
    args = ap.parse_args()
    fmp = 51.0
    typical = _run(44.0, menopause_age=fmp)
    rows = []
    for (a0, a1), published in (((67.0, 70.0), "2.5 (2.0-2.9)"), ((85.0, 89.0), "10.4 (8.4-12.4)")):
        rate = (_at(typical, "bmd_total_hip", a0) - _at(typical, "bmd_total_hip", a1)) / (a1 - a0) * 1000.0
        rows.append((f"total-hip loss, ages {a0:.0f}-{a1:.0f} (mg/cm^2/y)", published, f"{rate:.2f}",
                     "Ensrud 1995 (SOF)"))
    for site, published in (("femoral_neck", "-9.1"), ("lumbar_spine", "-10.6")):
        ten = 100.0 * (_at(typical, f"bmd_{site}", fmp + 5.0) / _at(typical, f"bmd_{site}", fmp - 5.0) - 1.0)
        rows.append((f"{site.replace('_', '-')} change, FMP-5 to FMP+5 (%)", published, f"{ten:.1f}",
                     "SWAN, Greendale 2012"))
    fn10 = 100.0 * (_at(typical, "bmd_femoral_neck", fmp + 9.0) / _at(typical, "bmd_femoral_neck", fmp - 1.0) - 1.0)
    rows.append(("femoral-neck change, FMP-1 to FMP+9 (%; the issue's window)", "about -9 (SWAN's is FMP-5..+5)",
                 f"{fn10:.1f}", "issue 17 item 7"))
    for label, kw, published, src in (
            ("smoker", dict(menopause_age=fmp, smoker=True), "about -4 (FN; -6 by 80)", "Law & Hackshaw 1997"),
            ("menopause at 45", dict(menopause_age=45.0), "about -3 (FN)", "SWAN, Shieh 2022; Kuh 2016")):
        other = _run(44.0, **kw)
        diffs = ", ".join(f"{s} {100.0 * (_at(other, f'bmd_{s}', 70.0) / _at(typical, f'bmd_{s}', 70.0) - 1.0):+.2f}"
                          for s in SITES3)
        rows.append((f"BMD at 70, {label}, vs typical (%)", published, diffs, src))
    table = ["| quantity | published | simulated | source |", "|---|---|---|---|"]
    table += [f"| {q} | {p} | {s} | {src} |" for q, p, s, src in rows]
    text = "\n".join(table)
    print(text)
    if args.out:
        args.out.write_text("# Issue 17 item 7: natural-history points\n\nCommand: `python benchmarks/natural_history_points.py "
                            f"--out {args.out}`\n\n{text}\n")


if __name__ == "__main__":
    main()
