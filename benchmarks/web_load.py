"""Bounded loopback load test of the web app: N concurrent POST /api/simulate against a real `osteosim serve`.

    python benchmarks/web_load.py [--requests 50] [--years 5] [--json]

Starts ``osteosim serve`` on a free 127.0.0.1 port, waits for it (and its warm-up compile), then sends
``--requests`` simulations at once, each a different patient (no two requests are the same work), and
checks the server's health endpoint while they run.  Every simulate answer must be 200 with a full time
series; the model thread serialises the JAX solves, so the answers come back one after another.  Prints
wall time, throughput and latency percentiles; exits 1 on any failure.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _patient(i: int) -> dict:
    return {"sex": "female" if i % 3 else "male", "age": 50 + (i % 30),
            **({"menopause_age": 48 + i % 5} if i % 3 else {}),
            "bmi": 19 + (i % 12), "calcium_mg_per_day": 400 + 25 * i, "vitamin_d_ng_per_ml": 10 + i % 25,
            "physical_activity": ("sedentary", "low", "moderate", "high")[i % 4], "smoker": i % 5 == 0,
            "family_history": i % 7 == 0, "glucocorticoids": i % 11 == 0}


REGIMENS = ([], ["alendronate 70 mg weekly for 3 years"], ["denosumab 60 mg every 6 months for 3 years"],
            ["teriparatide 20 ug daily for 18 months"])


async def _load(base: str, n: int, years: float) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        async def one(i: int):
            t0 = time.perf_counter()
            try:
                r = await client.post("/api/simulate", json={"patient": _patient(i), "years": years,
                                                             "regimen": REGIMENS[i % len(REGIMENS)]})
                ok = r.status_code == 200 and len(r.json()["timeseries"]["bmd_lumbar_spine"]) > 1
                return r.status_code, ok, time.perf_counter() - t0
            except httpx.HTTPError as exc:
                return type(exc).__name__, False, time.perf_counter() - t0

        async def health_during():
            await asyncio.sleep(0.5)
            t0 = time.perf_counter()
            r = await client.get("/api/health")
            return r.status_code, time.perf_counter() - t0, r.json().get("simulations_waiting")

        t0 = time.perf_counter()
        results, health = await asyncio.gather(asyncio.gather(*(one(i) for i in range(n))), health_during())
        wall = time.perf_counter() - t0
    lat = sorted(r[2] for r in results)
    codes: dict[str, int] = {}
    for code, _, _ in results:
        codes[str(code)] = codes.get(str(code), 0) + 1
    q = statistics.quantiles(lat, n=20) if len(lat) > 1 else lat * 19
    return {
        "requests": n, "years_per_request": years, "ok": sum(r[1] for r in results),
        "failures": sum(not r[1] for r in results), "status_codes": codes,
        "wall_s": round(wall, 2), "throughput_per_s": round(n / wall, 2),
        "latency_s": {"min": round(lat[0], 2), "p50": round(statistics.median(lat), 2), "p95": round(q[18], 2),
                      "max": round(lat[-1], 2)},
        "health_during_load": {"status": health[0], "latency_s": round(health[1], 3), "simulations_waiting": health[2]},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--years", type=float, default=5.0)
    ap.add_argument("--json", action="store_true", help="print only the JSON result")
    args = ap.parse_args(argv)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([sys.executable, "-m", "osteosim", "serve", "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))
        try:
            t0 = time.perf_counter()
            while True:
                try:
                    if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    log.seek(0)
                    sys.stderr.write(log.read().decode(errors="replace")[-3000:])
                    return 1
                time.sleep(0.2)
            # the server compiles the model at start-up; one request waits for that
            t1 = time.perf_counter()
            first = httpx.post(f"{base}/api/simulate", json={"patient": _patient(0), "years": args.years}, timeout=600)
            warm_s = time.perf_counter() - t1
            if first.status_code != 200:
                sys.stderr.write(first.text + "\n")
                return 1
            out = asyncio.run(_load(base, args.requests, args.years))
            out["startup_s"] = round(t1 - t0, 2)
            out["first_request_s"] = round(warm_s, 2)
            out["server_alive_after"] = httpx.get(f"{base}/api/health", timeout=5).status_code == 200
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    out["cpus"] = os.cpu_count()
    print(json.dumps(out, indent=None if args.json else 2))
    return 0 if out["failures"] == 0 and out["server_alive_after"] else 1


if __name__ == "__main__":
    sys.exit(main())
