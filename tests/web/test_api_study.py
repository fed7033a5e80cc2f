"""The durability study over the API: the example list and spec, a tiny study run as a job (the same numbers as
``run_study`` on the same spec and seed), the stored answer by spec hash, cancel, and bad input."""
from __future__ import annotations

import json
import time
import warnings

import pytest

from osteosim.web.study import STUDIES_DIR, cached_result, spec_key

#: a tiny study: 3 regimens, 1 year, 2 draws, a 2-woman cohort and a 2-parameter Morris screen (n = 4)
TINY = {"name": "tiny", "patient": {"age": 65, "sex": "female", "tscore_lumbar_spine": -2.7}, "years": 1,
        "draws": 2, "seed": 5, "reference": "none",
        "regimens": {"none": [],
                     "msc_io": ["msc bone-marrow autologous 5e6 cells intraosseous once site lumbar_spine"],
                     "aln": ["alendronate 70 mg weekly for 6 months"]},
        "cohort": {"n": 2, "seed": 3, "age": [64, 66]},
        "sensitivity": {"parameters": ["msc_io_retention", "msc_niche_capacity"], "method": "morris", "n": 4}}


@pytest.fixture(scope="module")
def study_client(tmp_path_factory):
    """An app of its own whose study store is this run's temporary folder."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from osteosim.web import create_app

    store = tmp_path_factory.mktemp("study-store")
    with TestClient(create_app(study_cache=store), raise_server_exceptions=False) as c:
        c.store = store
        yield c


def _finish(client, view, timeout=300.0):
    deadline = time.monotonic() + timeout
    messages = set()
    while view["status"] not in ("done", "failed", "cancelled"):
        assert time.monotonic() < deadline, view
        time.sleep(0.3)
        view = client.get(view["links"]["self"]).json()
        messages.add(view["progress"]["message"])
    view["messages"] = messages
    return view


@pytest.fixture(scope="module")
def tiny_run(study_client):
    r = study_client.post("/api/studies/runs", json={"spec": TINY})
    assert r.status_code == 202, r.text
    assert r.json()["stored"] is False
    view = _finish(study_client, r.json())
    assert view["status"] == "done", view["error"]
    return view


def test_examples_are_listed_with_their_spec(study_client):
    listed = study_client.get("/api/studies").json()
    names = [s["name"] for s in listed]
    assert names == sorted(p.stem for p in STUDIES_DIR.glob("*.yaml")) and "durability" in names
    d = next(s for s in listed if s["name"] == "durability")
    assert d["regimens"][0] == "no_treatment" and d["draws"] == 32 and d["cohort_n"] == 8 and d["sensitivity"]
    assert d["stored"] is False  # this run's store is empty
    spec = study_client.get("/api/studies/durability").json()["spec"]
    assert spec["patient"] == {"age": 65, "sex": "female", "tscore_lumbar_spine": -2.7}
    assert list(spec["regimens"]) == d["regimens"]
    r = study_client.get("/api/studies/nosuch")
    assert r.status_code == 404 and "nosuch" in r.json()["error"]


def test_a_run_gives_the_numbers_of_run_study(study_client, tiny_run):
    from osteosim.analysis.study import run_study
    from osteosim.analysis.study_spec import StudySpec
    from osteosim.report.durability import conclusions, headline

    out = tiny_run["result"]
    # progress: one step per regimen, the cohort and the screen, each with run_study's own message
    assert tiny_run["progress"]["total"] == 5 and tiny_run["progress"]["done"] == 5
    assert all(m.split(" ")[0] in ("", "regimen", "patient", "sensitivity", "done") for m in tiny_run["messages"])
    assert tiny_run["progress"]["message"] == "done"
    res = run_study(StudySpec.from_mapping(TINY))  # the CLI's code path, in this process
    head = headline(res.table, "lumbar_spine")
    assert out["headline"]["columns"] == list(head.columns)
    for got, want in zip(out["headline"]["rows"], head.to_dict(orient="records")):
        for k, v in want.items():
            assert got[k] == (None if isinstance(v, float) and v != v else v), k
    rows = {r["regimen"]: r for r in out["table"]}
    for want in res.table.to_dict(orient="records"):
        got = rows[want["regimen"]]
        for k in ("prevented_any", "prevented_any_p05", "prevented_any_p95", "bmd_pct_lumbar_spine",
                  "bmd_pct_lumbar_spine_p05", "bmd_pct_lumbar_spine_p95", "strength_pct_lumbar_spine",
                  "durability_label", "gain_halflife_years", "prevented_any_women_p95"):
            w = want[k]
            assert got[k] == (None if isinstance(w, float) and w != w else w), (want["regimen"], k)
    assert rows["aln"]["prevented_any"] > 0 and rows["none"]["prevented_any"] == 0
    c = res.curves[(res.curves["regimen"] == "aln") & (res.curves["site"] == "total_hip")]
    band = out["curves"]["aln"]["total_hip"]
    assert len(out["t_years"]) == len(c) and len(band["bmd_pct_p95"]) == len(c)
    assert band["bmd_pct"] == pytest.approx(list(c["bmd_pct"]), rel=1e-6, abs=1e-9)
    assert band["bmd_pct_p05"] == pytest.approx(list(c["bmd_pct_p05"]), rel=1e-6, abs=1e-9)
    assert band["strength_pct"] == pytest.approx(list(c["strength_pct"]), rel=1e-6, abs=1e-9)
    assert out["conclusions"] == conclusions(res.table, res.summary)
    assert out["sensitivity"]["top3"] == json.loads(json.dumps(res.summary["sensitivity"]["top3"]))
    assert [r["parameter"] for r in out["indices"]] == list(res.sensitivity.indices_["parameter"])
    assert any("hypothetical" in s for s in out["limitations"])
    assert out["scope"].startswith("It can compare regimens within the model")


def test_a_finished_spec_is_stored_and_answered_at_once(study_client, tiny_run):
    key = tiny_run["result"]["spec_key"]
    assert (study_client.store / f"{key}.json").is_file()
    assert not [p for p in study_client.store.iterdir() if p.suffix != ".json"]  # no half-written file left
    assert cached_result(tiny_run["result"]["spec"], study_client.store) == tiny_run["result"]
    r = study_client.post("/api/studies/runs", json={"spec": TINY})
    assert r.status_code == 200 and r.json()["stored"] is True and r.json()["status"] == "done"
    assert r.json()["result"] == tiny_run["result"]
    # another seed is another spec: a new job (cancelled here)
    other = dict(TINY, seed=6)
    assert spec_key(other) != key
    r = study_client.post("/api/studies/runs", json={"spec": TINY, "seed": 6})
    assert r.status_code == 202 and r.json()["stored"] is False
    job = r.json()
    assert study_client.delete(job["links"]["self"]).status_code == 202
    assert _finish(study_client, study_client.get(job["links"]["self"]).json(), 60)["status"] == "cancelled"


@pytest.mark.parametrize("body, status, needle", [
    ({"study": "durability", "draws": 0}, 422, "draws: 0"),
    ({"study": "durability", "draws": 100}, 422, "draws: 100 is outside the range this server accepts (at most 64"),
    ({"study": "durability", "cohort_n": 1}, 422, "cohort.n: 1 is not allowed (a whole number from 2"),
    ({"study": "durability", "cohort_n": 40}, 422, "cohort.n: 40 is outside the range this server accepts (at most 16"),
    ({"study": "durability", "years": 40}, 422, "years: 40"),
    ({"study": "durability", "regimens": ["denosumab_continued", "msc_cord_iv"]}, 422,
     "it must keep the reference, 'no_treatment'"),
    ({"study": "durability", "regimens": ["no_treatment", "nosuch"]}, 422, "'nosuch' not a regimen of the study"),
    ({"study": "nosuch"}, 422, "study: unknown study 'nosuch' (allowed: durability"),
    ({"study": "durability", "spec": TINY}, 422, "give exactly one"),
    ({"spec": {**TINY, "years": 0}}, 422, "years: 0 is not allowed"),
    ({"spec": {**TINY, "regimens": {"none": [], "x": ["alendronate 70 mg weakly"]}}}, 422, "regimens.x"),
    ({"spec": {**TINY, "cohort": None}, "cohort_n": 3}, 422, "cohort_n: 3 is not allowed (this study has no cohort"),
    ({"study": "durability", "drawz": 3}, 422, "drawz"),
    ({"study": "../etc/passwd"}, 422, "study"),
])
def test_bad_input_names_the_field(study_client, body, status, needle):
    r = study_client.post("/api/studies/runs", json=body)
    assert r.status_code == status, r.text
    assert needle in r.json()["error"], r.json()["error"]


def test_unknown_run_is_404(study_client):
    assert study_client.get("/api/studies/runs/" + "0" * 32).status_code == 404
    assert study_client.get("/api/studies/runs/nothex").status_code == 422


def test_default_spec_is_served_from_the_store(study_client):
    """A stored result for the example's default spec answers POST {study: name} and shows as stored."""
    spec = study_client.get("/api/studies/durability").json()["spec"]
    fake = {"name": "durability", "spec": spec, "note": "stored"}
    path = study_client.store / f"{spec_key(spec)}.json"
    path.write_text(json.dumps(fake))
    try:
        assert next(s for s in study_client.get("/api/studies").json() if s["name"] == "durability")["stored"]
        r = study_client.post("/api/studies/runs", json={"study": "durability"})
        assert r.status_code == 200 and r.json()["result"] == fake
        # the page's form sends the defaults explicitly: the same spec
        r = study_client.post("/api/studies/runs", json={"study": "durability", "draws": 32, "cohort_n": 8,
                                                          "years": 10, "seed": 2026, "sensitivity": True})
        assert r.status_code == 200 and r.json()["stored"] is True
    finally:
        path.unlink()


def test_the_store_keeps_the_newest_and_survives_an_unwritable_folder(tmp_path, monkeypatch, capsys):
    import os

    from osteosim.web import study

    monkeypatch.setattr(study, "MAX_STORED", 2)
    for i in range(3):
        study._store(tmp_path, f"k{i}", {"i": i})
        os.utime(tmp_path / f"k{i}.json", (1000 + i, 1000 + i))
    study._store(tmp_path, "k3", {"i": 3})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k2.json", "k3.json"]
    blocked = tmp_path / "k2.json"  # a file where the folder should be
    study._store(blocked, "k4", {"i": 4})
    assert "was not stored" in capsys.readouterr().err
