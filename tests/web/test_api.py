"""API tests against the real app (FastAPI TestClient; the model runs for real)."""
from __future__ import annotations

import asyncio

import httpx
import numpy as np
import pytest
from conftest import PATIENT

from osteosim.physiology.patient import SITES
from osteosim.scenario import parse_scenario
from osteosim.therapies.catalog import THERAPIES
from osteosim.web.runner import SAVE_POINTS, Busy, ModelWorker
from osteosim.web.schemas import Limits


def _simulate(client, body):
    r = client.post("/api/simulate", json=body)
    assert r.status_code < 500, r.text
    return r


def test_health_reports_limits_and_binds_nothing_by_itself(client):
    r = client.get("/api/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["limits"]["max_years"] == Limits().max_years
    assert set(body["jobs"]) >= {"running", "queued"}


def test_simulate_matches_the_library_and_the_contract(client):
    body = {"patient": PATIENT, "years": 5, "regimen": ["denosumab 60 mg every 6 months for 3 years"]}
    r = _simulate(client, body)
    assert r.status_code == 200, r.text
    out = r.json()
    cols = out["columns"]
    assert cols[:2] == ["t_years", "age"]
    for site in SITES:
        assert f"bmd_{site}" in cols and f"tscore_{site}" in cols
    for c in ("ctx", "p1np", "marrow_fat_fraction"):
        assert c in cols
    # same numbers as the library (and the CLI) give for the same scenario
    assert len(out["timeseries"]["age"]) == SAVE_POINTS
    lib = parse_scenario(body).simulation(saves_per_year=(SAVE_POINTS - 1) / body["years"]).solve()
    for c in ("bmd_lumbar_spine", "tscore_total_hip", "ctx"):
        np.testing.assert_allclose(out["timeseries"][c], lib.timeseries[c].to_numpy(), rtol=1e-6)
    assert out["summary"]["bmd_pct_change"]["lumbar_spine"] == pytest.approx(
        lib.summary["bmd_pct_change"]["lumbar_spine"], rel=1e-9)
    assert out["scenario"]["regimen"] == body["regimen"]
    # WHO bands: BMD at T = -1 above BMD at T = -2.5, consistent with the reported T-scores
    t = np.array(out["timeseries"]["tscore_lumbar_spine"])
    bmd = np.array(out["timeseries"]["bmd_lumbar_spine"])
    band = out["who_bands"]["lumbar_spine"]
    assert band["osteopenia"] > band["osteoporosis"]
    slope = (bmd[-1] - bmd[0]) / (t[-1] - t[0])
    assert band["osteopenia"] == pytest.approx(bmd[0] + (-1.0 - t[0]) * slope, rel=1e-4)


def test_denosumab_raises_spine_bmd_over_no_treatment(client):
    none = _simulate(client, {"patient": PATIENT, "years": 3}).json()
    dmab = _simulate(client, {"patient": PATIENT, "years": 3,
                              "regimen": ["denosumab 60 mg every 6 months for 3 years"]}).json()
    assert dmab["summary"]["bmd_pct_change"]["lumbar_spine"] > none["summary"]["bmd_pct_change"]["lumbar_spine"] + 2
    # fracture risk follows the BMD the model computed: same at the start, lower at the end with denosumab
    r0, r1 = none["fracture_risk"], dmab["fracture_risk"]
    assert r0["age"] == r1["age"] == [62.0, 63.0, 64.0, 65.0]
    assert r0["major_osteoporotic"][0] == pytest.approx(r1["major_osteoporotic"][0], rel=1e-3)
    assert r1["major_osteoporotic"][-1] < r0["major_osteoporotic"][-1]
    assert r1["hip"][-1] < r0["hip"][-1]


def test_fracture_risk_is_the_library_calculation_at_each_age(client):
    from osteosim.outcomes.fracture import ten_year_probability
    from osteosim.physiology.patient import Patient

    out = _simulate(client, {"patient": {**PATIENT, "smoker": True}, "years": 2}).json()
    ts, risk = out["timeseries"], out["fracture_risk"]
    i = int(np.abs(np.array(ts["age"]) - risk["age"][-1]).argmin())
    p = Patient(**{**PATIENT, "smoker": True, "age": risk["age"][-1],
                   **{f"tscore_{s}": ts[f"tscore_{s}"][i] for s in SITES}})
    expected = ten_year_probability(p, use_bmd=True)
    assert risk["hip"][-1] == pytest.approx(expected["hip"], rel=1e-4)
    assert risk["major_osteoporotic"][-1] == pytest.approx(expected["major_osteoporotic"], rel=1e-4)


def test_classic_model_without_patient(client):
    r = _simulate(client, {"model": "Pivonka2008", "years": 1})
    assert r.status_code == 200, r.text
    assert r.json()["model"] == "Pivonka2008"
    assert "who_bands" not in r.json()


@pytest.mark.parametrize("body, status, words", [
    ({"patient": {**PATIENT, "age": 130}}, 422, ["patient.age", "130"]),
    ({"patient": PATIENT, "yeras": 3}, 422, ["yeras", "unknown key"]),
    ({"patient": {**PATIENT, "sex": "male"}}, 422, ["menopause_age", "male"]),
    ({"patient": {**PATIENT, "bmi": "heavy"}}, 422, ["patient.bmi", "heavy"]),
    ({"patient": PATIENT, "years": 80}, 422, ["years", "50"]),
    ({"patient": PATIENT, "years": -1}, 422, ["years"]),
    ({"patient": PATIENT, "regimen": ["denosumab 6000 mg once"]}, 422, ["regimen[0]", "6000"]),
    ({"patient": PATIENT, "regimen": ["aspirin 100 mg daily"]}, 422, ["regimen[0]", "aspirin"]),
    ({"patient": PATIENT, "regimen": ["calcium 500 mg daily"] * 9}, 422, ["regimen", "at most 8"]),
    ({"patient": PATIENT, "regimen": [{"therapy": ["x"]}]}, 422, ["regimen"]),
    ({"model": "Pivonka2008", "parameters": {"nope": 1}}, 422, ["parameters", "nope"]),
    ({"model": "Pivonka2008", "parameters": {"k_res": 1e9}}, 422, ["parameters.k_res", "range"]),
    ({"model": "Pivonka2008", "initial_state": {"OBp": -1}}, 422, ["initial_state"]),
    ({"model": "Pivonka2009"}, 422, ["model", "Pivonka2008"]),
    ({"model": "Pivonka2008", "patient": PATIENT}, 422, ["patient", "classic"]),
    ({}, 422, ["model"]),
    ([1, 2], 422, ["body"]),
    ({"patient": "../../etc/passwd"}, 422, ["patient"]),
])
def test_bad_requests_get_4xx_naming_the_field(client, body, status, words):
    r = client.post("/api/simulate", json=body)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert "\n" not in err
    for w in words:
        assert w in err, (w, err)


def test_hostile_bodies(client):
    assert client.post("/api/simulate", content=b"{not json", headers={"content-type": "application/json"}
                       ).status_code == 422
    assert client.post("/api/simulate", content=b'{"years": NaN, "patient": {}}',
                       headers={"content-type": "application/json"}).status_code == 422
    big = client.post("/api/simulate", content=b"[" + b"1," * 40_000 + b"1]", headers={"content-type": "application/json"})
    assert big.status_code == 413
    assert client.get("/api/trials/../../etc/passwd").status_code == 404
    assert client.get("/api/trials/not-a-job").status_code == 422
    assert client.get("/api/trials/" + "0" * 32).status_code == 404
    assert client.delete("/api/trials/" + "0" * 32).status_code == 404
    assert client.put("/api/simulate", json={}).status_code == 405


def test_concurrent_simulations_are_serialised_and_all_succeed(client):
    """Eight requests at once through the ASGI app: every one answers, with the same numbers as alone."""
    bodies = [{"patient": {**PATIENT, "age": 55 + i}, "years": 2} for i in range(8)]

    async def fire():
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=120) as ac:
            return await asyncio.gather(*(ac.post("/api/simulate", json=b) for b in bodies))

    responses = asyncio.run(fire())
    assert [r.status_code for r in responses] == [200] * 8
    alone = _simulate(client, bodies[3]).json()
    assert responses[3].json()["timeseries"]["bmd_total_hip"] == alone["timeseries"]["bmd_total_hip"]
    ages = [r.json()["summary"]["start_age"] for r in responses]
    assert ages == [55 + i for i in range(8)]


def test_model_worker_bounds_its_queue():
    import threading

    worker = ModelWorker(max_pending=2)
    gate = threading.Event()

    async def main():
        first = asyncio.ensure_future(worker.run(gate.wait, 10))
        second = asyncio.ensure_future(worker.run(lambda: 2))
        await asyncio.sleep(0.05)
        with pytest.raises(Busy, match="at most 2"):
            await worker.run(lambda: 3)
        gate.set()
        return await first, await second

    try:
        assert asyncio.run(main()) == (True, 2)
        assert worker.pending == 0
    finally:
        worker.shutdown()


def test_models_and_parameters(client):
    models = client.get("/api/models").json()
    names = {m["name"] for m in models}
    assert {"Osteosim", "Pivonka2008", "Komarova2003", "Lemaire2004"} <= names
    assert {m["name"]: m["kind"] for m in models}["Osteosim"] == "patient"
    detail = client.get("/api/models/osteosim").json()
    assert detail["name"] == "Osteosim"
    p = {q["name"]: q for q in detail["parameters"]}
    assert p["peak_bmd_lumbar_spine"]["unit"] == "g/cm^2"
    assert p["msc_marrow_homing"]["prior"]["distribution"].startswith("LogUniform") and p["msc_marrow_homing"]["prior"]["source"]
    assert p["msc_switch_differentiation"]["prior"] is None
    assert all(q["source"] for q in detail["parameters"])
    cited = {k for q in detail["parameters"] for k in q["cite"]}
    assert cited <= {c["key"] for c in detail["citations"]}
    assert client.get("/api/models/nope").status_code == 404


def test_therapies_and_citations(client):
    cat = client.get("/api/therapies").json()
    assert [t["name"] for t in cat["therapies"]] == list(THERAPIES)
    assert "bone-marrow" in cat["msc"]["sources"]
    cites = client.get("/api/citations").json()
    assert {"osteosim", "Pivonka2008"} <= {c["key"] for c in cites}


def test_sites_and_columns(client):
    sites = client.get("/api/sites").json()
    assert [s["name"] for s in sites] == list(SITES)
    assert {s["name"]: s["fracture_kinds"] for s in sites}["lumbar_spine"] == ["vertebral"]
    cols = client.get("/api/columns").json()
    assert cols["axes"]["site"] == list(SITES)
    ts = {c["pattern"]: c for c in cols["tables"]["timeseries"]}
    assert ts["bmd_{site}"]["unit"] == "g/cm^2" and ts["bmd_{site}"]["banded"]
    assert ts["bmd_{site}"]["names"] == [f"bmd_{s}" for s in SITES]
    assert {"alive", "{kind}_fractures"} <= {c["pattern"] for c in cols["tables"]["visits"]}


def test_pages_and_plotly_are_served_locally(client):
    for url in ("/", "/trials", "/studies", "/healing", "/model"):
        r = client.get(url)
        assert r.status_code == 200 and "text/html" in r.headers["content-type"]
        assert "cdn" not in r.text.lower()
    index = client.get("/").text
    assert 'id="bmd-plot"' in index and ">Simulate<" in index
    assert '<a href="/studies">Durability study</a>' in index and 'id="study-bmd-plot"' in client.get("/studies").text
    js = client.get("/static/vendor/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert client.get("/docs").status_code == 200
    assert "/api/simulate" in client.get("/openapi.json").json()["paths"]


def test_heal_with_and_without_injection(client):
    body = {"fracture": {"gap_mm": 2, "condition": "atrophic_nonunion", "geometry": "line"}, "weeks": 10,
            "patient": {"age": 60, "sex": "female"},
            "treatment": ["msc bone-marrow allogeneic 1e6 cells into the gap at 1 week"]}
    r = client.post("/api/heal", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    treated, untreated = out["treated"], out["untreated"]
    assert untreated["summary"]["injections"] == [] and len(treated["summary"]["injections"]) == 1
    snap = treated["snapshots"]
    assert len(snap["times_weeks"]) == len(snap["fields"]["m_B"]) > 2
    assert len(snap["fields"]["m_B"][0]) == len(snap["axes_mm"]["x"])
    assert treated["times_weeks"][-1] == pytest.approx(10.0)
    # an injection adds cells: more bone matrix in the gap at the end than without
    assert treated["gap_mean_bone"][-1] >= untreated["gap_mean_bone"][-1]
    bad = client.post("/api/heal", json={**body, "weeks": 500})
    assert bad.status_code == 422 and "weeks" in bad.json()["error"]
    bad = client.post("/api/heal", json={**body, "fracture": {"grid": "fine", "geometry": "planar"}})
    assert bad.status_code == 422 and "fracture.grid" in bad.json()["error"]
    bad = client.post("/api/heal", json={**body, "treatment": ["msc moon-rock 1e6 cells into the gap"]})
    assert bad.status_code == 422 and "treatment[0]" in bad.json()["error"]


@pytest.mark.parametrize("body, words", [
    ({"template": "freedom_like", "patients_per_arm": 5000}, ["patients_per_arm", "at most 2000"]),
    ({"template": "nope"}, ["template", "freedom_like"]),
    ({"template": "../../etc/passwd"}, ["template"]),
    ({"template": "freedom_like", "trial": {}}, ["exactly one"]),
    ({}, ["exactly one"]),
    ({"trial": {"name": "x"}}, ["population"]),
    ({"template": "freedom_like", "years": 15}, ["years", "10"]),
    ({"template": "freedom_like", "out": "/tmp/x"}, ["out", "unknown key"]),
    ({"template": "freedom_like", "parameter_draws": 100}, ["uncertainty.parameter_draws", "at most 16"]),
    ({"template": "freedom_like", "parameter_draws": -1}, ["parameter_draws"]),
])
def test_trial_requests_are_validated(client, body, words):
    r = client.post("/api/trials", json=body)
    assert r.status_code == 422, r.text
    for w in words:
        assert w in r.json()["error"], (w, r.json()["error"])


def test_trial_templates_and_a_cancelled_job(client):
    templates = {t["name"]: t for t in client.get("/api/trials/templates").json()}
    assert "freedom_like" in templates and templates["freedom_like"]["trial"]["arms"]
    r = client.post("/api/trials", json={"template": "freedom_like", "patients_per_arm": 4, "years": 0.5, "seed": 3})
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running")
    # results and report exist only once the job is done
    assert client.get(f"/api/trials/{job['id']}/results").status_code == 409
    assert client.get(f"/api/trials/{job['id']}/report").status_code == 409
    r = client.delete(f"/api/trials/{job['id']}")
    assert r.status_code == 202 and r.json()["cancel_requested"]
    listed = {j["id"]: j for j in client.get("/api/trials").json()}
    assert listed[job["id"]]["cancel_requested"]


def test_serve_command_defaults_to_loopback_and_rejects_bad_ports():
    import subprocess
    import sys

    from typer.testing import CliRunner

    from osteosim.cli.app import app

    help_text = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"}).output
    assert "127.0.0.1" in help_text and "8000" in help_text
    r = subprocess.run([sys.executable, "-m", "osteosim", "serve", "--port", "70000"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2
    assert r.stderr.strip() == "error: --port: 70000 is not allowed (1..65535)"
