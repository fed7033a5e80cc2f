"""First answers as a new user meets them: `osteosim simulate` and the web app's Simulate button, cold and warm.

    python benchmarks/first_answer.py [--solver Rodas5P] [--skip-cold] [--only cli|web] [--src DIR]
                                      [--warm-runs N] [--out benchmarks/results/first_answer.json]

Every measurement is a fresh process, the way a new user starts one:

* CLI: ``osteosim simulate SCENARIO --out DIR`` with an empty compile cache (``OSTEOSIM_CACHE_DIR`` = a new
  temporary folder: cold), then again in a new process on the same cache (warm; ``--warm-runs N``: N such
  processes, their median); wall time of the process.
* Web: ``osteosim serve`` on a free port, once with an empty cache and once with the cache it filled; the time
  until the server reports ready (``/api/health`` ``ready``; a server without that field counts as ready once it
  answers), then the requests the page's Simulate button sends (web/static/simulate.js: one
  ``POST /api/simulate`` per regimen, all at once) for the default form (No treatment + Denosumab), another
  patient, and changed regimens (another drug, dose, schedule, MSC route).  A click's time is until its last
  answer.  The server keeps its answers, so a click's unchanged regimens are not solved again (as for a user).

``--solver`` runs every process with that solver as the model's choice (the default: whatever the installed
osteosim uses).  Prints a table against the issue's targets and writes the JSON with the machine's load and cores.
Timings on a shared machine scale with its load: compare runs by their ratios and the recorded load.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from osteosim.web.app import DEFAULT_FORM_PATIENT

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
SCENARIO = ROOT / "examples" / "scenarios" / "postmenopausal_high_risk.yaml"

#: the issue's targets (seconds)
TARGETS = {"cli_cold": 20.0, "cli_warm": 3.0, "web_first": 5.0, "web_later": 2.0}

#: the page's default form, as simulate.js sends it (tests/web/test_warm_up.py checks it against the page)
FORM_PATIENT = DEFAULT_FORM_PATIENT
FORM_YEARS = 10
NO_TREATMENT: list[str] = []
DENOSUMAB = ["denosumab 60 mg every 6 months for 3 years"]
OTHER_PATIENT = dict(FORM_PATIENT, age=71, smoker=True)
#: the clicks, in order: the default form (simulate.js init(): No treatment + Denosumab), the same regimens
#: for another patient (no answer of the server can be reused), then a changed second regimen each time
CLICKS = {
    "default form": (FORM_PATIENT, [NO_TREATMENT, DENOSUMAB]),
    "other patient": (OTHER_PATIENT, [NO_TREATMENT, DENOSUMAB]),
    "other drug": (FORM_PATIENT, [NO_TREATMENT, ["alendronate 70 mg weekly for 5 years"]]),
    "other dose": (FORM_PATIENT, [NO_TREATMENT, ["denosumab 120 mg every 6 months for 3 years"]]),
    "other schedule": (FORM_PATIENT, [NO_TREATMENT, ["zoledronic acid 5 mg yearly for 3 years"]]),
    "MSC iv": (FORM_PATIENT, [NO_TREATMENT, ["msc bone-marrow allogeneic 1e6 cells/kg iv once"]]),
    "MSC intraosseous": (FORM_PATIENT, [NO_TREATMENT, ["msc bone-marrow allogeneic 1e6 cells/kg intraosseous once "
                                                       "site femoral_neck"]]),
}


def _command(solver: str | None) -> list[str]:
    """``python -m osteosim`` (or, with a solver, the same with the Osteosim model's solver set first)."""
    if solver is None:
        return [sys.executable, "-m", "osteosim"]
    boot = ("import sys; from osteosim.models.osteosim import Osteosim; Osteosim.solver = sys.argv.pop(1); "
            "from osteosim.cli.app import main; sys.argv[0] = 'osteosim'; main()")
    return [sys.executable, "-c", boot, solver]


#: ``--src``: osteosim's source tree for the measured processes (None: the installed one)
SRC: Path | None = None


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ, OSTEOSIM_CACHE_DIR=str(cache), COLUMNS="120")
    if SRC is not None:  # ahead of the installed (editable) package
        env["PYTHONPATH"] = os.pathsep.join([str(SRC), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def time_cli(cmd: list[str], cache: Path, scenario: Path, work: Path, label: str) -> dict:
    out = work / f"out-{label}"
    t0 = time.perf_counter()
    proc = subprocess.run([*cmd, "simulate", str(scenario), "--out", str(out)], env=_env(cache),
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"osteosim simulate ({label}) failed with {proc.returncode}:\n{proc.stderr[-3000:]}")
    return {"wall_s": round(wall, 3), "load_1min_after": _load()}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(base: str, proc: subprocess.Popen, log: Path, t0: float, limit_s: float) -> dict:
    """Seconds until the server answers, and until it reports ready (its warm-up done)."""
    answered = None
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"osteosim serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            r = httpx.get(f"{base}/api/health", timeout=5)
            if r.status_code == 200:
                now = time.perf_counter() - t0
                answered = answered if answered is not None else now
                if r.json().get("ready", True):
                    return {"answers_s": round(answered, 3), "ready_s": round(now, 3),
                            "reports_ready": "ready" in r.json()}
        except httpx.HTTPError:
            pass
        if time.perf_counter() - t0 > limit_s:
            raise SystemExit(f"osteosim serve was not ready within {limit_s:.0f} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


async def _click(client: httpx.AsyncClient, patient: dict, regimens: list[list[str]]) -> dict:
    """One Simulate click: every regimen's request at once (Promise.all); the click ends with the last answer."""
    async def one(regimen: list[str]) -> float:
        t0 = time.perf_counter()
        r = await client.post("/api/simulate", json={"patient": patient, "years": FORM_YEARS, "regimen": regimen})
        if r.status_code != 200:
            raise SystemExit(f"POST /api/simulate {regimen}: {r.status_code} {r.text[:500]}")
        return time.perf_counter() - t0

    t0 = time.perf_counter()
    each = await asyncio.gather(*(one(r) for r in regimens))
    return {"wall_s": round(time.perf_counter() - t0, 3), "requests_s": [round(x, 3) for x in each]}


async def _clicks(base: str) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        return {name: await _click(client, patient, regimens) for name, (patient, regimens) in CLICKS.items()}


def time_serve(cmd: list[str], cache: Path, work: Path, label: str) -> dict:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / f"serve-{label}.log"
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([*cmd, "serve", "--port", str(port)], env=_env(cache), stdout=out,
                                stderr=subprocess.STDOUT)
        try:
            ready = _wait_ready(base, proc, log, t0, limit_s=600)
            clicks = asyncio.run(_clicks(base))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return {**ready, "clicks": clicks, "load_1min_after": _load(), "log_tail": log.read_text()[-600:]}


def _verdict(value: float, target: float) -> str:
    return "pass" if value < target else "MISS"


def table(res: dict) -> list[dict]:
    rows = []
    for temp in ("cold", "warm"):
        cli = res["cli"].get(temp)
        if cli:
            rows.append({"what": f"osteosim simulate, {temp} cache (whole process)", "s": cli["wall_s"],
                         "target_s": TARGETS[f"cli_{temp}"]})
    for temp in ("cold", "warm"):
        web = res["web"].get(temp)
        if not web:
            continue
        rows.append({"what": f"osteosim serve, {temp} cache: until ready", "s": web["ready_s"], "target_s": None})
        for i, (name, click) in enumerate(web["clicks"].items()):
            target = TARGETS["web_first" if i == 0 else "web_later"]
            rows.append({"what": f"  Simulate ({temp}): {name} ({len(click['requests_s'])} requests)",
                         "s": click["wall_s"], "target_s": target})
    for r in rows:
        r["verdict"] = "" if r["target_s"] is None else _verdict(r["s"], r["target_s"])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--solver", default=None, help="run with this solver as the Osteosim model's (default: as installed)")
    ap.add_argument("--scenario", type=Path, default=SCENARIO, help="scenario of the CLI runs")
    ap.add_argument("--skip-cold", action="store_true",
                    help="warm runs only (on a cache filled by one untimed run), minutes shorter")
    ap.add_argument("--only", choices=("cli", "web"), default=None, help="measure only the CLI or only the web app")
    ap.add_argument("--warm-runs", type=int, default=1,
                    help="warm osteosim simulate processes in a row; the table shows their median (default 1)")
    ap.add_argument("--src", type=Path, default=None,
                    help="run osteosim from this source folder (e.g. an older commit: git archive COMMIT src | "
                         "tar -x -C DIR, then --src DIR/src) for a before/after on the same machine")
    ap.add_argument("--out", type=Path, default=RESULTS / "first_answer.json")
    a = ap.parse_args()
    global SRC
    SRC = a.src.resolve() if a.src else None

    cmd = _command(a.solver)
    work = Path(tempfile.mkdtemp(prefix="osteosim-first-answer-"))
    res: dict = {"command": " ".join(["python", "benchmarks/first_answer.py", *sys.argv[1:]]),
                 "solver": a.solver or "default", "scenario": str(a.scenario.relative_to(ROOT))
                 if a.scenario.is_relative_to(ROOT) else str(a.scenario),
                 "src": str(SRC) if SRC else "installed", "cores": os.cpu_count(), "load_1min_before": _load(), "targets_s": TARGETS, "cli": {}, "web": {}}
    try:
        if a.only in (None, "cli"):
            cache = work / "cache-cli"
            if a.skip_cold:
                time_cli(cmd, cache, a.scenario, work, "fill")
            else:
                res["cli"]["cold"] = time_cli(cmd, cache, a.scenario, work, "cold")
            runs = [time_cli(cmd, cache, a.scenario, work, "warm") for _ in range(a.warm_runs)]
            walls = sorted(r["wall_s"] for r in runs)
            res["cli"]["warm"] = {"wall_s": walls[len(walls) // 2], "runs_s": [r["wall_s"] for r in runs],
                                  "load_1min_after": runs[-1]["load_1min_after"]}
        if a.only in (None, "web"):
            cache = work / "cache-web"  # its own: the CLI's cache would make the "cold" server warm
            if a.skip_cold:
                time_serve(cmd, cache, work, "fill")
            else:
                res["web"]["cold"] = time_serve(cmd, cache, work, "cold")
            res["web"]["warm"] = time_serve(cmd, cache, work, "warm")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["load_1min_after"] = _load()
    res["table"] = table(res)
    print(f"{'':62s} {'seconds':>8s} {'target':>7s}")
    for r in res["table"]:
        target = "" if r["target_s"] is None else f"< {r['target_s']:g}"
        print(f"{r['what']:62s} {r['s']:8.2f} {target:>7s} {r['verdict']}")
    print(f"solver: {res['solver']}; cores: {res['cores']}; load (1 min) before {res['load_1min_before']}, "
          f"after {res['load_1min_after']}")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=2) + "\n")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
