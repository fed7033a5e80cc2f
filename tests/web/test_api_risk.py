"""POST /api/risk: `osteosim risk` as JSON, with the same country choice and errors that name the field."""
from __future__ import annotations

import pytest

from osteosim.outcomes.fracture import ten_year_probability
from osteosim.physiology.patient import Patient

PT = {"sex": "female", "age": 70, "bmi": 25, "tscore_femoral_neck": -2.5, "prior_fracture": True}


@pytest.mark.parametrize("country", [None, "us", "uk", "norway"])
def test_risk_matches_the_library(client, country):
    body = {"patient": PT} | ({} if country is None else {"country": country})
    r = client.post("/api/risk", json=body)
    assert r.status_code == 200, r.text
    out, c = r.json(), country or "us"
    assert out["country"] == c
    assert out["with_bmd"] == pytest.approx(ten_year_probability(Patient(**PT), country=c), rel=1e-12)
    assert out["without_bmd"] == pytest.approx(ten_year_probability(Patient(**PT), use_bmd=False, country=c), rel=1e-12)


def test_risk_without_bmd_only(client):
    out = client.post("/api/risk", json={"patient": {"age": 65}}).json()
    assert out["with_bmd"] is None and out["without_bmd"]["hip"] > 0


@pytest.mark.parametrize("body, field", [
    ({"patient": PT, "country": "france"}, "country"),
    ({"patient": PT | {"age": 30}}, "patient.age"),
    ({"patient": {"species": "rat", "age": 0.5}}, "patient.species"),
])
def test_risk_errors_name_the_field(client, body, field):
    r = client.post("/api/risk", json=body)
    assert r.status_code == 422
    assert r.json()["error"].startswith(f"{field}: ")
