"""Time the 2-D healing course and tabulate union times (osteosim.healing).

    python benchmarks/healing.py            # 2-D coarse normal course, 26 weeks, 3 repeats (timing)
    python benchmarks/healing.py --table    # + union times: normal, non-union, non-union + MSCs at 0..8 weeks
    python benchmarks/healing.py --fine     # also time the fine 2-D grid once

The target (issue 7): one 2-D course in under 30 s on the 2-core reference machine.  Reports
wall and CPU time (``time.process_time``, all threads) because the machine may be shared;
writes benchmarks/results/healing.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from osteosim.healing import run_healing

HERE = Path(__file__).resolve().parent
PATIENT = {"sex": "male", "age": 35}  # examples/healing/*.yaml


def scenario(condition: str = "normal", treatment=(), weeks: float = 26.0, grid: str = "coarse",
             geometry: str = "planar") -> dict:
    return {"fracture": {"gap_mm": 2.0, "condition": condition, "grid": grid, "geometry": geometry},
            "patient": PATIENT, "weeks": weeks, "treatment": list(treatment)}


def timed(scen: dict) -> tuple[dict, float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    r = run_healing(scen)
    return r.summary, time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", action="store_true", help="also tabulate union times (2-D and 1-D)")
    ap.add_argument("--fine", action="store_true", help="also time the fine 2-D grid")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    out: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                             "load_avg": os.getloadavg()}, "timing": []}
    for grid in ("coarse", "fine") if args.fine else ("coarse",):
        for k in range(args.repeats if grid == "coarse" else 1):
            s, wall, cpu = timed(scenario(grid=grid))
            row = {"grid": grid, "cells": s["grid"]["cells"], "weeks": 26, "wall_s": round(wall, 2),
                   "cpu_s": round(cpu, 2), "time_to_union_weeks": s["time_to_union_weeks"]}
            out["timing"].append(row)
            print(json.dumps(row))
    if args.table:
        out["union_weeks"] = {}
        cases = [("normal", "normal", ()), ("non-union", "atrophic_nonunion", ())]
        cases += [(f"non-union + 1e6 BM-MSC at {w} wk", "atrophic_nonunion",
                   (f"msc bone-marrow allogeneic 1e6 cells into the gap at {w} weeks",)) for w in (0, 1, 2, 4, 8, 16)]
        for geometry in ("planar", "line"):
            for label, cond, tr in cases:
                s, wall, _ = timed(scenario(cond, tr, weeks=52, geometry=geometry))
                out["union_weeks"][f"{geometry}: {label}"] = s["time_to_union_weeks"]
                print(f"{geometry:6s} {label:34s} union {s['time_to_union_weeks']!s:>22}  {s['outcome']:24s} ({wall:.1f} s)")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "healing.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
