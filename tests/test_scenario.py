"""Scenario files (DESIGN section 5 contract): schema, one-line errors, suggestions."""
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from osteosim.models.base import MODEL_REGISTRY
from osteosim.physiology.patient import Patient
from osteosim.scenario import (
    SCENARIO_KEYS,
    ScenarioError,
    load_scenario,
    parse_scenario,
    parse_yaml,
)
from osteosim.validation import format_validation_error, unknown_key_message

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples" / "scenarios").glob("*.yaml"))
HAS_OSTEOSIM = "Osteosim" in MODEL_REGISTRY


def err(data) -> str:
    with pytest.raises(ScenarioError) as ei:
        parse_scenario(data)
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


# ----------------------------------------------------------------------------
# examples
def test_examples_exist():
    names = {p.name for p in EXAMPLES}
    assert "komarova2003_single_cycle.yaml" in names
    assert "postmenopausal_high_risk.yaml" in names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_scenarios_parse(path):
    data = yaml.safe_load(path.read_text())
    needs_patient_model = "patient" in data
    if needs_patient_model and not HAS_OSTEOSIM:
        pytest.skip("the patient-driven model Osteosim is not registered yet")
    model = data.get("model")
    if model is not None and model not in MODEL_REGISTRY:
        pytest.skip(f"model {model} is not registered yet")
    scen = load_scenario(path)
    assert scen.model in MODEL_REGISTRY
    assert (scen.patient is not None) == needs_patient_model
    if needs_patient_model:
        assert scen.years is not None
    sim = scen.simulation()  # builds without solving
    assert sim.model.name == scen.model


def test_classic_scenario_overrides_reach_the_simulation():
    scen = parse_scenario({
        "model": "komarova2003",  # names are case-insensitive
        "years": 0.5,
        "parameters": {"k1": 0.3},
        "initial_state": {"B": 250},
        "drivers": {"perturbation_C": 20},
    })
    assert scen.model == "Komarova2003" and scen.patient is None and scen.regimen is None
    sim = scen.simulation()
    assert sim.parameters.value("k1") == 0.3
    assert sim.initial_state_overrides == {"B": 250.0}
    assert sim.drivers == {"perturbation_C": 20.0}
    assert sim.years == 0.5


def test_classic_scenario_solves_from_published_state():
    res = parse_scenario({"model": "Komarova2003", "years": 0.1}).simulation().solve()
    df = res.timeseries
    assert df.z.iloc[0] == pytest.approx(100.0)
    assert res.summary["solver_ok"] is True


def test_patient_scenario_defaults_to_osteosim():
    if not HAS_OSTEOSIM:
        pytest.skip("Osteosim not registered yet")
    scen = parse_scenario({"patient": {"sex": "female", "age": 60, "menopause_age": 50}, "years": 5})
    assert scen.model == "Osteosim"
    assert isinstance(scen.patient, Patient) and scen.patient.age == 60
    assert scen.years == 5.0
    # a patient without years gets the documented default span
    assert parse_scenario({"patient": {"age": 60}}).years == 10.0


def test_patient_scenario_without_osteosim_is_a_clear_error(monkeypatch):
    monkeypatch.delitem(MODEL_REGISTRY, "Osteosim", raising=False)
    msg = err({"patient": {"age": 60}})
    assert msg.startswith("model:") and "Osteosim" in msg and "not available" in msg


def test_round_trip_to_yaml():
    scen = parse_scenario({"model": "Komarova2003", "years": 1, "parameters": {"k1": 0.3}})
    again = parse_scenario(yaml.safe_load(scen.to_yaml()))
    assert again.parameters == scen.parameters and again.years == scen.years and again.model == scen.model


# ----------------------------------------------------------------------------
# unknown keys, with suggestions
def test_unknown_top_level_key_suggests():
    assert err({"model": "Komarova2003", "yeras": 2}) == "unknown key 'yeras'; did you mean 'years'?"


def test_unknown_patient_key_suggests():
    msg = err({"patient": {"agee": 50}})
    assert msg == "patient: unknown key 'agee'; did you mean 'age'?"
    assert "did you mean 'menopause_age'" in err({"patient": {"menopause_ag": 50}})


def test_unknown_parameter_state_driver_suggest():
    assert err({"model": "Komarova2003", "parameters": {"alpah1": 1}}) == (
        "parameters: unknown key 'alpah1'; did you mean 'alpha1'?"
    )
    assert err({"model": "Komarova2003", "initial_state": {"c": 1}}) == (
        "initial_state: unknown key 'c'; did you mean 'C'?"
    )
    assert err({"model": "Komarova2003", "drivers": {"perturbation": 1}}) == (
        "drivers: unknown key 'perturbation'; did you mean 'perturbation_C'?"
    )


def test_unknown_key_without_close_match_lists_allowed():
    msg = err({"model": "Komarova2003", "zzzzzz": 1})
    assert msg.startswith("unknown key 'zzzzzz'; allowed: ") and "years" in msg
    assert unknown_key_message("x", ["a", "b"], "w") == "w: unknown key 'x'; allowed: a, b"


def test_unknown_model_suggests():
    msg = err({"model": "Komarova2030"})
    assert msg.startswith("model: unknown model 'Komarova2030'") and "did you mean 'Komarova2003'" in msg


# ----------------------------------------------------------------------------
# types and ranges name the field, the value and what is allowed
@pytest.mark.parametrize(
    "data, start, contains",
    [
        ({"patient": {"age": "old"}}, "patient.age: 'old' is not allowed", "valid number"),
        ({"patient": {"sex": "fmale"}}, "patient.sex: 'fmale' is not allowed", "'female' or 'male'"),
        ({"patient": {"bmi": 5}}, "patient.bmi: 5 is not allowed", "greater than or equal to 12"),
        ({"patient": {"smoker": "maybe"}}, "patient.smoker: 'maybe' is not allowed", "boolean"),
        ({"patient": {"physical_activity": "extreme"}}, "patient.physical_activity: 'extreme'", "'sedentary'"),
        ({"patient": {"age": 130}}, "patient.age: 130", "18.0..100.0"),
        ({"patient": {"age": 10}}, "patient.age: 10", "allowed range"),
        ({"patient": {"sex": "male", "menopause_age": 50}}, "patient.menopause_age: 50", "male"),
        ({"patient": {"menopause_age": 20}}, "patient.menopause_age: 20", "allowed range"),
        ({"patient": ["age", 50]}, "patient: ['age', 50] is not allowed", "mapping"),
        ({"model": "Komarova2003", "years": "ten"}, "years: 'ten' is not allowed", "number"),
        ({"model": "Komarova2003", "years": 0}, "years: 0 is not allowed", "> 0"),
        ({"model": "Komarova2003", "years": -3}, "years: -3 is not allowed", "> 0"),
        ({"model": "Komarova2003", "years": 150}, "years: 150 is outside", "(0, 100]"),
        ({"model": "Komarova2003", "years": True}, "years: True is not allowed", "number"),
        ({"model": "Komarova2003", "parameters": {"k1": "abc"}}, "parameters.k1: 'abc' is not allowed", "number"),
        ({"model": "Komarova2003", "parameters": [1, 2]}, "parameters: [1, 2] is not allowed", "mapping"),
        ({"model": "Komarova2003", "initial_state": {"C": None}}, "initial_state.C: None", "number"),
        ({"model": 7}, "model: 7 is not allowed", "Komarova2003"),
        ({}, "model: give a model", "or a patient"),
    ],
)
def test_bad_values_one_line(data, start, contains):
    msg = err(data)
    assert msg.startswith(start), msg
    assert contains in msg, msg


def test_classic_model_with_patient_is_an_error():
    msg = err({"model": "Komarova2003", "patient": {"age": 60}})
    assert msg.startswith("patient: model 'Komarova2003' is a classic model")


def test_top_level_shape():
    assert "empty" in err(None)
    assert "a scenario is a mapping" in err(["model", "Komarova2003"])


# ----------------------------------------------------------------------------
# regimen
def test_bad_regimen_points_at_word():
    msg = err({"model": "Komarova2003", "regimen": ["frobnicate 5 mg daily"]})
    assert msg.startswith("regimen") and "'frobnicate'" in msg


def test_regimen_uses_therapies_parser_when_present(monkeypatch):
    import osteosim.therapies as th

    seen = {}

    def fake(items):
        seen["items"] = items
        if "bad" in items[0]:
            raise ValueError("regimen[0]: 'bad' cannot be parsed: unknown therapy 'bad'")
        return ("parsed", tuple(items))

    monkeypatch.setattr(th, "parse_regimen", fake, raising=False)
    if HAS_OSTEOSIM:
        scen = parse_scenario({"patient": {"age": 60}, "regimen": ["denosumab 60 mg every 6 months"]})
        assert scen.regimen == ("parsed", ("denosumab 60 mg every 6 months",))
        assert scen.regimen_text == ("denosumab 60 mg every 6 months",)
    assert err({"model": "Komarova2003", "regimen": ["bad 1 mg once"]}).startswith("regimen[0]: 'bad'")


@pytest.mark.parametrize("reg, start", [(5, "regimen: 5 is not allowed"), ([3], "regimen[0]: 3 is not allowed"),
                                        ([""], "regimen[0]: '' is not allowed")])
def test_regimen_shapes(reg, start):
    assert err({"model": "Komarova2003", "regimen": reg}).startswith(start)


def test_empty_regimen_is_none():
    assert parse_scenario({"model": "Komarova2003", "regimen": []}).regimen is None


# ----------------------------------------------------------------------------
# files and YAML
def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match=r"^scenario: file not found: .*nope\.yaml$"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="is not a file"):
        load_scenario(tmp_path)


def test_yaml_syntax_error_names_line(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("model: Komarova2003\nyears: [1, 2\n")
    with pytest.raises(ScenarioError) as ei:
        load_scenario(f)
    msg = str(ei.value)
    assert "invalid YAML at line" in msg and "\n" not in msg


def test_duplicate_keys_rejected():
    with pytest.raises(ScenarioError, match="duplicate key 'years'"):
        parse_yaml("years: 1\nyears: 2\n")


def test_yaml_is_safe():
    with pytest.raises(ScenarioError):
        parse_yaml("!!python/object/apply:os.system ['echo hi']")


def test_format_validation_error_counts_others():
    with pytest.raises(ValidationError) as ei:
        Patient(age="x", bmi="y")
    msg = format_validation_error(ei.value, "patient")
    assert msg.startswith("patient.age: 'x' is not allowed") and msg.endswith("(and 1 more error)")


# ----------------------------------------------------------------------------
# property: any mapping gives a Scenario or a one-line ScenarioError, never another exception
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.floats(allow_nan=True),
                     st.text(max_size=8))
_values = st.recursive(_scalars, lambda c: st.one_of(st.lists(c, max_size=3),
                                                     st.dictionaries(st.text(max_size=6), c, max_size=3)),
                       max_leaves=6)
_patient_keys = st.sampled_from(["age", "sex", "bmi", "menopause_age", "smoker", "agee", "tscore_total_hip"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    top=st.dictionaries(st.sampled_from(list(SCENARIO_KEYS) + ["yeras", "modle"]), _values, max_size=4),
    patient=st.one_of(st.none(), st.dictionaries(_patient_keys, _values, max_size=3)),
    model=st.sampled_from([None, "Komarova2003", "Osteosim", "Lemaire2004", "nope"]),
)
def test_parse_never_crashes(top, patient, model):
    data = dict(top)
    if patient is not None:
        data["patient"] = patient
    if model is not None:
        data["model"] = model
    try:
        parse_scenario(data)
    except ScenarioError as exc:
        assert "\n" not in str(exc) and str(exc)
