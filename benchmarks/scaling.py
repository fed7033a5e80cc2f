"""Scaling table: osteosim patients/s and peak memory for N = 1 .. 100,000.

Each N runs in a fresh Python process (``python -m osteosim bench --engines osteosim``) so its
RSS high-water mark (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, read inside that process
at the end) belongs to that N alone; it includes the Python + JAX runtime and the compile.
patients/s excludes the one-off compile (reported separately).

Usage:
    python benchmarks/scaling.py                 # Pivonka2008 up to 100,000; Osteosim up to 1,000
    python benchmarks/scaling.py --full          # also Osteosim 10,000 (about 2 more minutes)
    python benchmarks/scaling.py --models Pivonka2008 --sizes 1,10,100
Writes benchmarks/results/scaling.json and prints a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

DEFAULT_SIZES = {"Pivonka2008": [1, 10, 100, 1_000, 10_000, 100_000], "Osteosim": [1, 10, 100, 1_000]}
FULL_EXTRA = {"Osteosim": [10_000]}
#: the solver each model is timed with (measured: see README "what we tried")
SOLVER = {"Pivonka2008": "Tsit5/shared", "Osteosim": "Rodas5P"}


def run_one(model: str, n: int, years: float, solver: str, env: dict, timeout: float) -> dict:
    cmd = [sys.executable, "-m", "osteosim", "bench", "--model", model, "--patients", str(n), "--years", str(years),
           "--engines", "osteosim", "--solver", solver, "--no-reference", "--no-profile", "--json"]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        return {"model": model, "patients": n, "error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
    r = json.loads(proc.stdout)
    o = r["results"]["osteosim"]
    return {
        "model": model, "patients": n, "years": years, "solver": o["solver"],
        "patients_per_s": o["patients_per_s"], "solve_wall_s": o["wall_s"], "compile_s": o["compile_s"],
        "block": o["block"], "workers": o["workers"], "num_steps_mean": o["num_steps_mean"],
        "us_per_step_per_patient": o["us_per_step_per_patient"], "ok_all": o["ok_all"],
        "peak_rss_mb": r["peak_rss_mb"], "peak_rss_worker_mb": r.get("peak_rss_worker_mb", 0.0),
        "process_wall_s": wall, "span_days": r["scenario"]["span_days"],
        "machine": r["machine"],
    }


def _w(r: dict) -> str:
    return f"{r['peak_rss_worker_mb']:,.0f}" if r.get("workers", 1) > 1 else "–"


def table(rows: list[dict]) -> str:
    lines = ["| model | N | patients/s | solve wall (s) | compile (s) | peak RSS main / worker (MiB) "
             "| steps (mean) | µs/step/patient | block x workers |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['model']} | {r['patients']:,} | failed: {r['error']} | | | | | | |")
            continue
        lines.append(f"| {r['model']} | {r['patients']:,} | {r['patients_per_s']:,.0f} | {r['solve_wall_s']:.2f} "
                     f"| {r['compile_s']:.1f} | {r['peak_rss_mb']:,.0f} / {_w(r)} | {r['num_steps_mean']:.0f} "
                     f"| {r['us_per_step_per_patient']:.2f} | {r['block']} x {r['workers']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="Pivonka2008,Osteosim")
    ap.add_argument("--sizes", default="", help="comma-separated N (default: per model, see DEFAULT_SIZES)")
    ap.add_argument("--years", type=float, default=10.0)
    ap.add_argument("--full", action="store_true", help="add the largest Osteosim size (10,000)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per process")
    ap.add_argument("--out", default=str(RESULTS / "scaling.json"))
    a = ap.parse_args(argv)
    env = dict(os.environ)
    own_cache = "OSTEOSIM_BENCH_SHARED_CACHE" not in env
    # a fresh compile cache (unless run_all.py passed its own): compile_s is a real compile the
    # first time a block shape is seen
    if own_cache:
        env["OSTEOSIM_CACHE_DIR"] = tempfile.mkdtemp(prefix="osteosim-bench-cache-")
    try:
        rows = _sizes(a, env)
    finally:
        if own_cache:
            shutil.rmtree(env["OSTEOSIM_CACHE_DIR"], ignore_errors=True)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"command": "python benchmarks/scaling.py " + " ".join(argv or sys.argv[1:]),
                               "years": a.years, "rows": rows}, indent=2) + "\n")
    print(table(rows))
    return rows


def _sizes(a, env: dict) -> list[dict]:
    rows = []
    for model in a.models.split(","):
        sizes = [int(s) for s in a.sizes.split(",") if s] or DEFAULT_SIZES[model] + (FULL_EXTRA.get(model, [])
                                                                                     if a.full else [])
        for n in sizes:
            r = run_one(model, n, a.years, SOLVER[model], env, a.timeout)
            rows.append(r)
            msg = r.get("error") or f"{r['patients_per_s']:,.0f} patients/s, peak RSS {r['peak_rss_mb']:,.0f} MiB"
            print(f"{model} N={n:,}: {msg}", file=sys.stderr, flush=True)
    return rows


if __name__ == "__main__":
    main()
