"""``osteosim risk``: the country choice (default us), its JSON, and the error for an unknown country."""
import json

from typer.testing import CliRunner

from osteosim.cli.app import app
from osteosim.outcomes.fracture import ten_year_probability
from osteosim.physiology.patient import Patient

runner = CliRunner()
ARGS = ["risk", "--age", "70", "--bmi", "25", "--tscore-femoral-neck", "-2.5", "--prior-fracture", "--json"]


def test_country_default_us_and_choice():
    out = {c: json.loads(runner.invoke(app, ARGS + ([] if c is None else ["--country", c])).stdout)
           for c in (None, "us", "uk", "norway")}
    assert out[None] == out["us"] and out["us"]["country"] == "us" and "Caucasian" in out["us"]["tables"]
    pt = Patient(age=70.0, sex="female", bmi=25.0, tscore_femoral_neck=-2.5, prior_fracture=True)
    for c in ("us", "uk", "norway"):
        assert out[c]["with_bmd"] == ten_year_probability(pt, country=c)
        assert out[c]["without_bmd"] == ten_year_probability(pt, use_bmd=False, country=c)
    assert out["norway"]["with_bmd"]["hip"] > out["us"]["with_bmd"]["hip"] > out["uk"]["with_bmd"]["hip"]


def test_unknown_country_is_a_user_error():
    r = runner.invoke(app, ["risk", "--country", "france"])
    assert r.exit_code == 2
    assert "--country: 'france' is not allowed (us | uk | norway)" in r.output
    assert r.output.strip().count("\n") == 0


def test_table_names_the_tables():
    r = runner.invoke(app, ["risk", "--age", "70", "--tscore-femoral-neck", "-2.5", "--country", "uk"])
    assert r.exit_code == 0 and "United Kingdom" in r.output
