"""The study file: the example reads, --quick shrinks it, bad input names the field, the value and what is allowed."""
from pathlib import Path

import pytest

from osteosim.analysis.study import load_study, regimen_kind
from osteosim.analysis.study_spec import QUICK, StudyError, StudySpec

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "studies" / "durability.yaml"
GOOD = {"patient": {"age": 65, "tscore_lumbar_spine": -2.7}, "years": 2,
        "regimens": {"none": [], "aln": ["alendronate 70 mg weekly for 1 year"]}}


def test_the_example_study_reads_and_quick_shrinks_it():
    spec = load_study(EXAMPLE)
    assert spec.years == 10 and spec.reference == "no_treatment" and spec.patient.age == 65
    kinds = {regimen_kind(v) for v in spec.regimens.values()}
    assert kinds == {"none", "msc", "drug", "msc + drug"}
    q = spec.quick()
    assert q.years == QUICK["years"] and q.draws == QUICK["draws"]
    assert q.sensitivity.n == QUICK["sensitivity_n"] and len(q.sensitivity.parameters) == QUICK["sensitivity_parameters"]
    assert q.regimens == spec.regimens
    assert spec.cohort.n == 8 and q.cohort.n == QUICK["cohort_n"]


def test_reference_defaults_to_the_empty_regimen():
    assert StudySpec.from_mapping(GOOD).reference == "none"


@pytest.mark.parametrize("change, expected", [
    ({"years": 0}, "years: 0 is not allowed (a number > 0 and <= 30)"),
    ({"years": -1}, "years: -1 is not allowed"),
    ({"years": "ten"}, "years: 'ten' is not allowed"),
    ({"draws": 0}, "draws: 0 is not allowed (a whole number from 1 to 512)"),
    ({"seed": 1.5}, "seed: 1.5 is not allowed"),
    ({"site": "skull"}, "site: 'skull' is not allowed; allowed: lumbar_spine, total_hip"),
    ({"reference": "placebo"}, "reference: 'placebo' is not a regimen of the study; allowed: none, aln"),
    ({"regimens": {"none": [], "aln": ["alendronate 70 mg weakly for 1 year"]}}, "regimens.aln"),
    ({"regimens": {"none": [], "x": ["aspirin 100 mg daily"]}}, "regimens.x"),
    ({"regimens": {"none": []}}, "regimens: 1 regimen is not allowed (two or more"),
    ({"regimens": {"none": [], "aln": 5}}, "regimens.aln: 5 is not allowed (a list of regimen lines"),
    ({"patient": {"age": 200}}, "patient.age"),
    ({"patient": {"age": 65, "colour": "red"}}, "patient"),
    ({"speed": 3}, "study: unknown key(s) speed; allowed: name, patient"),
    ({"sensitivity": {"parameters": []}}, "sensitivity.parameters: [] is not allowed"),
    ({"sensitivity": {"parameters": ["msc_io_retention"], "method": "sobol", "n": 12}},
     "sensitivity.n: 12 is not allowed for sobol (a power of two"),
    ({"sensitivity": {"parameters": ["msc_io_retention", "msc_speed"]}},
     "sensitivity.parameters: 'msc_speed' not a parameter of the model"),
    ({"sensitivity": {"parameters": ["a"], "method": "fast"}}, "sensitivity.method: 'fast' is not allowed; allowed: morris, sobol"),
    ({"sensitivity": {"parameters": ["a"], "n": 2}}, "sensitivity.n: 2 is not allowed"),
    ({"cohort": {"n": 4}}, "cohort: no range given"),
    ({"cohort": {"n": 1, "age": [60, 70]}}, "cohort.n: 1 is not allowed (a whole number from 2 to 1000)"),
    ({"cohort": {"age": [70, 60]}}, "cohort.age: [70, 60] is not allowed (a range [low, high] with low < high)"),
    ({"cohort": {"age": [60, 175]}}, "cohort.age: [60, 175] is not allowed (175 is not a valid patient age)"),
    ({"cohort": {"height": [1, 2]}}, "cohort: unknown key(s) height; allowed: n, seed, age"),
])
def test_bad_input_names_field_value_and_what_is_allowed(change, expected):
    with pytest.raises(StudyError) as ei:
        StudySpec.from_mapping({**GOOD, **change})
    assert str(ei.value).startswith(expected), str(ei.value)
    assert "\n" not in str(ei.value)


def test_missing_required_key():
    with pytest.raises(StudyError, match="years: missing"):
        StudySpec.from_mapping({k: v for k, v in GOOD.items() if k != "years"})


def test_unknown_regimen_word_names_the_word():
    with pytest.raises(StudyError) as ei:
        StudySpec.from_mapping({**GOOD, "regimens": {"none": [], "aln": ["alendronate 70 mg weakly"]}})
    assert "weakly" in str(ei.value)
