"""Benchmarks behind `make bench`: osteosim against its peers, then the scaling table.

1. Pivonka2008, 10,000 patients x 10 years (the issue's target size): every engine.
2. Pivonka2008, 1,000 patients x 10 years: every engine.
3. Osteosim, 1,000 patients x 10 years (from age 25): osteosim (the automatic pick: Rodas5P at
   rtol 1e-5 or Kvaerno5 at 1e-6), the scipy and libroadrunner loops at rtol 1e-6 (bone-models
   has no such model).
4. benchmarks/scaling.py (N = 1 .. 100,000 for Pivonka2008, up to 1,000 for Osteosim).
5. Start-up: ``osteosim simulate`` of one patient for 10 years in fresh processes, cold then
   warm (the issue's < 3 s target), with the machine's load (results/startup.json).

Writes benchmarks/results/*.json and regenerates the tables between the markers in
benchmarks/README.md.  A fresh compile cache is used, so compile_s is a real compile.
About 8-12 minutes on the 2-core reference machine; ``--quick`` runs smaller cohorts
(a few minutes), ``--full`` adds the largest Osteosim scaling size.
"""
from __future__ import annotations

import argparse
import datetime as dt
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
README = HERE / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
#: one patient for 10 years (the start-up target's case)
STARTUP_SCENARIO = HERE.parent / "examples" / "scenarios" / "glucocorticoids_measured_baseline.yaml"

RUNS = [
    # name, model, patients, years, loop patients, extra args
    ("pivonka_N10000_10y", "Pivonka2008", 10_000, 10.0, 200, []),
    ("pivonka_N1000_10y", "Pivonka2008", 1_000, 10.0, 200, []),
    ("osteosim_N1000_10y", "Osteosim", 1_000, 10.0, 40, []),
]
QUICK = [
    ("pivonka_N1000_10y", "Pivonka2008", 1_000, 10.0, 50, []),
    ("osteosim_N100_10y", "Osteosim", 100, 10.0, 5, ["--solver", "Rodas5P"]),
]


def bench(name: str, model: str, n: int, years: float, loop: int, extra: list[str], env: dict) -> dict:
    out = RESULTS / f"{name}.json"
    cmd = [sys.executable, "-m", "osteosim", "bench", "--model", model, "--patients", str(n), "--years", str(years),
           "--loop-patients", str(loop), "--json", "--out", str(out)] + extra
    print(f"== {name}: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed:\n{proc.stderr[-3000:]}")
    r = json.loads(proc.stdout)
    r["command"] = "osteosim bench " + " ".join(cmd[4:-2])
    r["run_all_command"] = "python benchmarks/run_all.py " + " ".join(sys.argv[1:])
    out.write_text(json.dumps(r, indent=2) + "\n")
    print(f"   done in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    return r


def _f(x, spec=",.0f"):
    return "–" if x is None else format(x, spec)


def _tolerances(tol: dict) -> str:
    """osteosim's and the peers' tolerances (results from before --peer-rtol had one for every engine)."""
    own = f"rtol {tol['rtol']:g}, atol {tol['atol_scaled']:g} x state scale"
    if "peer_rtol" not in tol:
        return own
    return f"osteosim {own}; peer loops rtol {tol['peer_rtol']:g}, atol {tol['peer_atol_scaled']:g} x state scale"


def peers_table(r: dict) -> str:
    rows = [f"**{r['model']}, {r['patients']:,} patients x {r['years']:g} years** "
            f"(span {r['scenario']['span_days']:,.0f} days, {r['scenario']['n_save_times']} save times, "
            f"{_tolerances(r['tolerances'])}); `{r.get('command', '')}`", "",
            "| engine | patients/s | timed patients | max rel err | osteosim is | notes |",
            "|---|---:|---:|---:|---:|---|"]
    for name, e in r["results"].items():
        if "skipped" in e:
            rows.append(f"| {name} | skipped | | | | {e['skipped']} |")
            continue
        ratio = r["ratios"].get(f"vs_{name}")
        if name == "osteosim":
            par = [f"{k.split('_')[3]} worker processes: {_f(v)}/s" for k, v in e.items()
                   if k.startswith("patients_per_s_") and k.endswith("_workers")]
            if "ratio_basis" in r:  # per core: patients_per_s is the one-process rate
                how = "one process" + (f" ({', '.join(par)}, pinned one per core: ratios.all_cores); " if par else "; ")
            else:
                how = (f"1 core: {_f(e['patients_per_s_1_worker'])}/s, " + ", ".join(par) + " (the faster is "
                       "reported); " if par else "1 core; ")
            note = (f"{e['solver']} at rtol {e.get('rtol', r['tolerances']['rtol']):g}, "
                    f"tasks of {e['block']} patients; " + how
                    + f"compile {e['compile_s']:.1f} s excluded; {e['num_steps_mean']:.0f} steps, "
                    f"{e['us_per_step_per_patient']:.2f} µs/step/patient")
        elif name == "scipy_loop":
            meth = e["methods"]
            note = "; ".join(f"{k} {v['patients_per_s']:,.1f}/s ({v['timed_patients']} timed, "
                             f"{v['nfev_per_patient']:.0f} RHS calls/patient)" for k, v in meth.items())
            note += f"; RHS call {e['rhs_call_us']:.1f} µs, Jacobian call {e['jac_call_us']:.1f} µs"
        elif name == "libroadrunner_loop":
            note = f"CVODE; SBML load + LLVM JIT {e['load_and_jit_s']:.2f} s"
        else:
            note = "own load case, solver (RK45 1e-8) and steady state; no error measured"
        err = e.get("max_rel_err")
        rows.append(f"| {name} | {e['patients_per_s']:,.1f} | {e['timed_patients']:,} | "
                    f"{'–' if err is None else f'{err:.1e}'} | "
                    f"{'' if ratio is None or name == 'osteosim' else f'{ratio:.1f}x'} | {note} |")
    if "targets" in r and "vs_scipy_loop" in r["targets"]["met"]:
        met = r["targets"]["met"]
        rows += ["", "Targets at 10,000 x 10 years: "
                 f">= 50x the scipy loop: **{'met' if met['vs_scipy_loop'] else 'not met'}** "
                 f"({r['ratios'].get('vs_scipy_loop', 0):.1f}x); "
                 f">= 10x the libroadrunner loop: **{'met' if met['vs_libroadrunner_loop'] else 'not met'}** "
                 f"({r['ratios'].get('vs_libroadrunner_loop', 0):.1f}x); "
                 f"max rel err <= 1e-4: **{'met' if met['max_rel_err'] else 'not met'}** "
                 f"({r['results']['osteosim'].get('max_rel_err', float('nan')):.1e})."]
    if "targets" in r and "max_rel_err_every_engine" in r["targets"]["met"]:
        met = r["targets"]["met"]
        rows += ["", f"Issue 16 on the full model: >= 10x the libroadrunner loop: "
                 f"**{'met' if met['vs_libroadrunner_loop'] else 'not met'}** "
                 f"({r['ratios']['vs_libroadrunner_loop']:.2f}x per core); max rel err <= 1e-4 for every engine: "
                 f"**{'met' if met['max_rel_err_every_engine'] else 'not met'}**."]
    pc = r["ratios"].get("per_core")
    if pc:  # results from before the ratios were per core
        rows += ["", "Per core (osteosim in-process on one core): " + ", ".join(f"{k} {v:.1f}x" for k, v in pc.items()) + "."]
    if "ratio_basis" in r:
        ld = r["load"]
        rows += ["", f"Ratios {r['ratio_basis'].split(':')[0]}; {ld['cpu_count']} cores, 1-min load "
                     f"{ld['loadavg_1min_before']} -> {ld['loadavg_1min_after']} (per engine in the JSON)."]
    cpu = r["ratios"].get("cpu_time")
    if cpu:
        rows += ["", "In CPU time of the process (less sensitive to other work on the machine): "
                     + ", ".join(f"osteosim / {k[3:]} {v:.2f}x" for k, v in cpu.items()) + "."]
    if "profile" in r and "achieved_rhs_gflops" in r["profile"]:
        p = r["profile"]
        rows += ["", f"Arithmetic: {p['flops_per_rhs_eval']:.0f} flops per RHS evaluation x "
                     f"{p['rhs_evals_per_step']} per step: {p['achieved_rhs_gflops']:.2f} GFLOP/s achieved vs "
                     f"{p['measured_dgemm_gflops_all_cores']:.0f} GFLOP/s float64 matmul on this machine "
                     f"({100 * p['fraction_of_dgemm_rate']:.1f} %); the same RHS work at that rate would take "
                     f"{p['time_if_at_dgemm_rate_s'] * 1e3:.0f} ms instead of "
                     f"{r['results']['osteosim']['wall_s'] * 1e3:.0f} ms."]
    return "\n".join(rows)


def startup_line(s: dict) -> str:
    warm = ", ".join(f"{r['wall_s']:.2f} s (CPU {r['cpu_s']:.2f} s, load {r['load_average_1min_before']:.1f})"
                     for r in s["warm_runs"])
    return (f"**Start-up** (`{s['command']}`, one patient, 10 years, each run a fresh process): first run "
            f"{s['first_run']['wall_s']:.1f} s (fills the compile and export caches); warm runs {warm}; median "
            f"{s['warm_wall_s_median']:.2f} s: target < {s['target_s']:g} s **{'met' if s['met'] else 'not met'}**.")


def render(results: list[dict], scaling_md: str | None, machine: dict, command: str,
           startup: dict | None = None) -> str:
    head = (f"Measured {dt.date.today().isoformat()} on {machine.get('cpu_model')} "
            f"({machine.get('cpu_count')} cores), Python {machine.get('python')}, jax {machine.get('jax')}, "
            f"diffrax {machine.get('diffrax')}, scipy {machine.get('scipy')}, libroadrunner "
            f"{machine.get('libroadrunner')}, bone-models {machine.get('bone_models')}. Command: `{command}`. "
            "One run each; run-to-run noise on this machine is up to ±30 %.")
    parts = [head, ""]
    for r in results:
        parts += [peers_table(r), ""]
    if startup:
        parts += [startup_line(startup), ""]
    if scaling_md:
        parts += ["**Scaling** (osteosim only; each N in a fresh process; peak RSS = ru_maxrss of that process, "
                  "including the Python + JAX runtime and the compile):", "", scaling_md, ""]
    return "\n".join(parts)


def update_readme(block: str) -> None:
    text = README.read_text() if README.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    a, rest = text.split(START, 1)
    _, b = rest.split(END, 1)
    README.write_text(f"{a}{START}\n{block}\n{END}{b}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller cohorts (a few minutes)")
    ap.add_argument("--full", action="store_true", help="pass --full to scaling.py (Osteosim 10,000)")
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--no-startup", action="store_true", help="skip the osteosim simulate start-up timing")
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite the README tables")
    ap.add_argument("--render-only", action="store_true",
                    help="rebuild the README tables from results/*.json without running anything")
    a = ap.parse_args(argv)
    if a.render_only:
        sys.path.insert(0, str(HERE))
        from scaling import table

        results = [json.loads((RESULTS / f"{run[0]}.json").read_text()) for run in (QUICK if a.quick else RUNS)
                   if (RESULTS / f"{run[0]}.json").exists()]
        sc = RESULTS / "scaling.json"
        scaling_md = table(json.loads(sc.read_text())["rows"]) if sc.exists() else None
        st = RESULTS / "startup.json"
        block = render(results, scaling_md, results[0]["machine"], results[0].get("run_all_command", "make bench"),
                       json.loads(st.read_text()) if st.exists() else None)
        print(block)
        if not a.no_readme:
            update_readme(block)
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["OSTEOSIM_CACHE_DIR"] = tempfile.mkdtemp(prefix="osteosim-bench-cache-")
    env["OSTEOSIM_BENCH_SHARED_CACHE"] = "1"  # scaling.py uses this cache instead of its own
    try:
        _run(a, env, argv)
    finally:
        shutil.rmtree(env["OSTEOSIM_CACHE_DIR"], ignore_errors=True)


def _run(a, env: dict, argv) -> None:
    command = "python benchmarks/run_all.py " + " ".join(argv if argv is not None else sys.argv[1:])
    results = [bench(*run, env=env) for run in (QUICK if a.quick else RUNS)]
    scaling_md = None
    if not a.no_scaling:
        cmd = [sys.executable, str(HERE / "scaling.py")] + (["--full"] if a.full else [])
        if a.quick:
            cmd += ["--models", "Pivonka2008", "--sizes", "1,100,10000"]
        print(f"== scaling: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        sys.stderr.write(proc.stderr[-2000:])
        if proc.returncode != 0:
            raise SystemExit("scaling failed")
        scaling_md = proc.stdout.strip()
    startup = None
    if not a.no_startup:
        print(f"== start-up: osteosim simulate {STARTUP_SCENARIO.name}", file=sys.stderr, flush=True)
        from osteosim.bench import time_simulate_startup

        startup = time_simulate_startup(STARTUP_SCENARIO, env=env)
        (RESULTS / "startup.json").write_text(json.dumps(startup, indent=2) + "\n")
    block = render(results, scaling_md, results[0]["machine"], command.strip(), startup)
    print(block)
    if not a.no_readme:
        update_readme(block)


if __name__ == "__main__":
    main()
