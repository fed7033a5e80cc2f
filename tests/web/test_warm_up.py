"""The start-up warm-up of ``create_app(warm_up=True)``: readiness is reported, the pages answer while it
runs, and it covers the page's first Simulate and a changed regimen (no XLA compile after it)."""
from __future__ import annotations

import re
import time
import warnings

import jax
import jax.monitoring

from osteosim.solve import integrate
from osteosim.web import runner
from osteosim.web.app import DEFAULT_FORM_PATIENT, STATIC_DIR, WARM_UP_BODIES, create_app

#: JAX's backend-compile event: every executable XLA builds or loads from the persistent cache
COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"


def _test_client(app):
    with warnings.catch_warnings():  # starlette's notice about httpx2; the client works the same
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    return TestClient(app, raise_server_exceptions=False)


def _wait_ready(client, limit_s: float = 600.0) -> dict:
    deadline = time.monotonic() + limit_s
    while True:
        health = client.get("/api/health").json()
        if health["ready"]:
            return health
        assert time.monotonic() < deadline, f"not ready after {limit_s:.0f} s: {health}"
        time.sleep(0.05)


def test_an_app_without_warm_up_is_ready_at_once(client):
    health = client.get("/api/health").json()
    assert health["ready"] is True and health["warm_up_s"] == 0.0 and health["warm_up_error"] is None


def test_warm_up_bodies_are_the_pages_default_form():
    """The warm-up simulates what the page sends: the defaults of index.html and simulate.js."""
    html = (STATIC_DIR / "index.html").read_text()
    script = (STATIC_DIR / "simulate.js").read_text()

    def value(field: str) -> float:
        return float(re.search(rf'id="{field}"[^>]*value="([^"]+)"', html).group(1))

    for field in ("age", "bmi", "calcium_mg_per_day", "vitamin_d_ng_per_ml", "menopause_age"):
        assert DEFAULT_FORM_PATIENT[field] == value(field), field
    assert {b["years"] for b in WARM_UP_BODIES} == {value("years")}
    activity = re.search(r'id="physical_activity".*?<option selected>(\w+)<', html, re.S).group(1)
    assert DEFAULT_FORM_PATIENT["physical_activity"] == activity
    for sel in ("species", "sex"):  # the first option of a select is its default
        first = re.search(rf'id="{sel}"><option value="(\w+)"', html).group(1)
        assert DEFAULT_FORM_PATIENT[sel] == first, sel
    default_regimens = re.findall(r'items: \[(.*?)\] \}', script.split("async function init()")[1])
    assert [b["regimen"] for b in WARM_UP_BODIES] == [re.findall(r'"([^"]+)"', r) for r in default_regimens]


def test_warm_up_reports_ready_serves_pages_meanwhile_and_covers_the_first_simulate():
    # start from nothing compiled in this process, so the warm-up must compile (or load) the solves itself
    integrate._COMPILED.clear()
    jax.clear_caches()
    compiles: list[str] = []

    def listener(event: str, duration: float, **kw) -> None:
        if event == COMPILE_EVENT:
            compiles.append(kw.get("fun_name", "?"))

    ready_calls: list[float] = []
    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        with runner._MODEL_LOCK:  # hold the model: the warm-up waits, the app must still answer
            with _test_client(create_app(warm_up=True, on_ready=ready_calls.append)) as client:
                health = client.get("/api/health").json()
                assert health["ready"] is False and health["warm_up_s"] is None
                assert client.get("/").status_code == 200
                assert client.get("/api/therapies").status_code == 200
        # (that app's warm-up, cancelled at its shutdown, finishes its one blocked call on its own thread)
        with _test_client(create_app(warm_up=True, on_ready=ready_calls.append)) as client:
            health = _wait_ready(client)
            assert health["warm_up_error"] is None
            assert health["warm_up_s"] > 0 and ready_calls == [health["warm_up_s"]]
            assert compiles, "the warm-up compiled nothing: the compile counter does not see compiles"
            before = len(compiles)
            changed = [*WARM_UP_BODIES,  # kept answers of the warm-up
                       dict(WARM_UP_BODIES[1], patient=dict(DEFAULT_FORM_PATIENT, age=71, smoker=True)),
                       dict(WARM_UP_BODIES[0], regimen=["alendronate 70 mg weekly for 2 years"]),
                       dict(WARM_UP_BODIES[0], regimen=["msc bone-marrow allogeneic 1e6 cells/kg intraosseous "
                                                        "once site femoral_neck"])]
            for body in changed:
                r = client.post("/api/simulate", json=body)
                assert r.status_code == 200, r.text
            assert compiles[before:] == [], f"a Simulate after the warm-up compiled: {compiles[before:]}"
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)


def test_a_repeated_simulate_is_answered_from_the_kept_answers(client):
    body = {"patient": {"sex": "male", "age": 58}, "years": 3.25, "regimen": []}  # no other test sends it
    done = client.get("/api/health").json()["simulations_done"]
    first = client.post("/api/simulate", json=body)
    assert first.status_code == 200, first.text
    assert client.get("/api/health").json()["simulations_done"] == done + 1
    again = client.post("/api/simulate", json=dict(reversed(body.items())))  # same body, other key order
    assert again.status_code == 200 and again.json() == first.json()
    assert client.get("/api/health").json()["simulations_done"] == done + 1  # the model did not run again
