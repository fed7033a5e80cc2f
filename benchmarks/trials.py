"""Virtual-trial scale: wall time and peak memory of a 2-arm 3-year trial (placebo vs denosumab).

Each size runs in a fresh process (``osteosim.trials.run_trial``, one in-process worker by default
or ``--workers N`` local processes) against the shared compile cache; the child first runs a one-patient
trial (compiling or loading the solvers: ``warmup_compile_s``) and then reports the trial's
wall time, its own peak RSS and the peak RSS of its (worker) children.  Sizes are patients per
arm: 1e3, 1e4, 1e5 by default, and with ``--million`` a 1e6-patient run (500,000 per arm) whose
peak memory must stay under 4 GB (the chunked engine keeps one chunk per task in memory).

    python benchmarks/trials.py                       # 1e3, 1e4, 1e5 per arm
    python benchmarks/trials.py --sizes 1000 --sizes 10000
    python benchmarks/trials.py --million --workers 16
    python benchmarks/trials.py --sizes 500000 --workers 2 --out /big/disk   # resumable
    python benchmarks/trials.py --sizes 10000 --workers 0 --workers 2        # scaling with workers
    python benchmarks/trials.py --sizes 10000 --workers 2 --unpinned        # workers not pinned to cores

Writes benchmarks/results/trials.json (one entry per size, with the machine's load) and
benchmarks/results/trials_projection.json (scaling with workers where a size was run both
in-process and with --workers, and the projection to a 64-core node: see ``projection``).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

TRIAL = {
    "name": "benchmark: placebo vs denosumab",
    "population": {"patients_per_arm": 1000, "sex": "female", "age": [60, 90], "tscore_any": [-4.0, -2.5],
                   "prevalent_vertebral_fracture": 0.23},
    "years": 3,
    "control": "placebo",
    "arms": {"placebo": [], "denosumab": ["denosumab 60 mg every 6 months for 3 years"]},
    "visits_months": [12, 24, 36],
    "seed": 1,
}

CHILD = r"""
import json, resource, sys, tempfile, threading, time
import psutil
from osteosim.trials import TrialSpec, run_trial
data = json.loads(sys.argv[1])
spec = TrialSpec.from_mapping(data)
workers = int(sys.argv[3]) or None
pin = sys.argv[5] == "1"
# warm-up: one patient per arm compiles (or loads) the two solvers; the measured run is then compile-free
t = time.perf_counter()
with tempfile.TemporaryDirectory() as warm:
    run_trial(TrialSpec.from_mapping(dict(data, population=dict(data["population"], patients_per_arm=1))), warm)
warmup = time.perf_counter() - t
peak_tree = [0.0]
def sample_tree():  # resident memory of this process and all its (worker) children together, every 0.5 s
    me = psutil.Process()
    while True:
        try:
            rss = me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
            peak_tree[0] = max(peak_tree[0], rss / 2**20)
        except psutil.Error:  # a worker exited between listing and reading: sample again
            pass
        time.sleep(0.5)
threading.Thread(target=sample_tree, daemon=True).start()
t = time.perf_counter()
last = [0.0]
start_done = []
def progress(done, total):  # to stderr (passed through): long runs show where they are
    if not start_done:
        start_done.append(done)  # > 0 when resuming a kept --out folder
    now = time.perf_counter() - t
    if now - last[0] > 30 or done == total:
        last[0] = now
        print(f"  {done:,}/{total:,} patients per arm, {now:.0f} s", file=sys.stderr, flush=True)
summary = run_trial(spec, sys.argv[2], workers=workers, chunk_size=int(sys.argv[4]), progress=progress, pin=pin)
wall = time.perf_counter() - t
print(json.dumps({"wall_s": wall, "warmup_compile_s": warmup, "resumed_from_per_arm": start_done[0], "peak_rss_tree_mb": peak_tree[0],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
                  "peak_rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0,
                  "denosumab_ls_pct_36": summary["arms"]["denosumab"]["bmd_pct_change"]["lumbar_spine"]["36"]["mean"],
                  "vertebral_rr": summary["arms"]["denosumab"]["relative_risk"]["vertebral"]["rr"]}))
"""


def run(per_arm: int, workers: int, chunk: int, out: str | None = None, pin: bool = True) -> dict:
    spec = dict(TRIAL, population=dict(TRIAL["population"], patients_per_arm=per_arm))
    with tempfile.TemporaryDirectory(prefix="osteosim-trial-bench-") as tmp:
        target = str(Path(out) / f"per_arm_{per_arm}") if out else tmp
        r = subprocess.run([sys.executable, "-c", CHILD, json.dumps(spec), target, str(workers), str(chunk),
                            "1" if pin else "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE if per_arm < 100_000 else None,
                           text=True, check=False)
    if r.returncode != 0:
        raise SystemExit(f"trial of {per_arm} per arm failed:\n{(r.stderr or '(stderr above)')[-2000:]}")
    res = json.loads(r.stdout.strip().splitlines()[-1])
    res.update(patients_per_arm=per_arm, arms=2, years=3, workers=_label(workers, pin),
               patients_per_s=2 * (per_arm - res["resumed_from_per_arm"]) / res["wall_s"], load_average=os.getloadavg(),
               cpus=os.cpu_count())
    return res


def _label(workers: int, pin: bool) -> str | int:
    """Row label: "in-process", N (pinned worker processes) or "N-unpinned"."""
    if not workers:
        return "in-process"
    return workers if pin else f"{workers}-unpinned"


def projection(rows: list[dict], cores: int = 64) -> list[dict]:
    """Scaling with workers, and what it projects for a ``cores``-core node.

    For each size measured both in-process (one worker) and with W > 1 local worker processes:
    the parallel efficiency ``rate_W / (W x rate_1)`` and the projection ``rate_1 x cores x
    efficiency`` (assumes the efficiency measured at W holds at ``cores``: tasks are independent
    and the driver only writes Parquet, so this is an estimate, not a measurement).  A GPU is not
    projected: no device was measured.
    """
    out = []
    by_size: dict[int, dict] = {}
    for r in rows:
        # only rows of one invocation pair up (same code, same machine state); older rows have no run_id
        if r.get("run_id") is None:
            continue
        by_size.setdefault((r.get("run_id"), r["patients_per_arm"]), {})[str(r["workers"])] = r
    for (_, n), runs in sorted(by_size.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        one = runs.get("in-process")
        for w, r in runs.items():
            if one is None or w == "in-process":
                continue
            nw = int(w.split("-")[0])
            eff = r["patients_per_s"] / (nw * one["patients_per_s"])
            rate = one["patients_per_s"] * cores * eff
            out.append({"patients_per_arm": n, "workers": w, "pinned": not w.endswith("unpinned"),
                        "rate_1": one["patients_per_s"],
                        "rate_w": r["patients_per_s"], "efficiency": eff, f"projected_{cores}_cores_patients_per_s": rate,
                        f"projected_{cores}_cores_1e6_minutes": 1e6 / rate / 60.0,
                        "this_machine_1e6_minutes": 1e6 / r["patients_per_s"] / 60.0})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, action="append", help="patients per arm (repeatable); default 1e3 1e4 1e5")
    ap.add_argument("--million", action="store_true", help="also run 1e6 patients (500,000 per arm); checks < 4 GB")
    ap.add_argument("--workers", type=int, action="append",
                    help="local worker processes (0: one in-process worker); repeatable: each size runs once per "
                         "value, in one invocation (pairs for the scaling table)")
    ap.add_argument("--chunk-size", type=int, default=1024, help="patients per task")
    ap.add_argument("--unpinned", action="store_true",
                    help="also run each --workers N > 0 with workers not pinned to cores (label 'N-unpinned')")
    ap.add_argument("--out", help="keep each trial in OUT/per_arm_N (a killed benchmark then resumes there; the "
                                  "wall time of a resumed run covers only the patients it simulated)")
    args = ap.parse_args()
    sizes = args.sizes or [1_000, 10_000, 100_000]
    if args.million:
        sizes.append(500_000)
    RESULTS.mkdir(exist_ok=True)
    from osteosim.io_utils import atomic_write_json

    # entries of earlier runs stay unless this run measures the same size with the same workers
    path = RESULTS / "trials.json"
    out = json.loads(path.read_text()) if path.exists() else []
    run_id = time.strftime("%Y-%m-%dT%H:%M:%S")
    runs = [(n, w, True) for n in sizes for w in (args.workers or [0])]
    if args.unpinned:
        runs += [(n, w, False) for n in sizes for w in (args.workers or []) if w]
    for n, w, pin in runs:
        res = run(n, w, args.chunk_size, args.out, pin)
        res["run_id"] = run_id
        if n == 500_000:
            # the whole process tree (driver + workers), sampled every 0.5 s
            res["under_4gb"] = res["peak_rss_tree_mb"] < 4096.0
        out = [r for r in out if (r["patients_per_arm"], r["workers"]) != (n, res["workers"])] + [res]
        atomic_write_json(path, sorted(out, key=lambda r: (r["patients_per_arm"], str(r["workers"]))))
        print(f"{2 * n:>9,} patients ({res['workers']}): {res['wall_s']:8.1f} s, {res['patients_per_s']:7.1f} patients/s, "
              f"peak RSS {res['peak_rss_mb']:7.0f} MB (largest child {res['peak_rss_children_mb']:.0f} MB, "
              f"whole tree {res['peak_rss_tree_mb']:.0f} MB)", flush=True)
    proj = projection(out)
    atomic_write_json(RESULTS / "trials_projection.json", proj)
    for p in proj:
        print(f"{2 * p['patients_per_arm']:>9,} patients, {p['workers']} workers: efficiency {p['efficiency']:.2f} "
              f"(this machine: 10^6 patients in {p['this_machine_1e6_minutes']:.1f} min) "
              f"({p['rate_w']:.0f} vs {p['rate_1']:.0f} patients/s in-process); 64-core projection "
              f"{p['projected_64_cores_patients_per_s']:.0f} patients/s, 10^6 patients in "
              f"{p['projected_64_cores_1e6_minutes']:.1f} min (estimate)", flush=True)


if __name__ == "__main__":
    main()
