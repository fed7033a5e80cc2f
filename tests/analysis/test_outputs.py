"""Output specs: written like calls, parsed once; errors name the field, the value and what is allowed."""
import pytest

from osteosim.analysis import OUTPUTS, Output, SensitivityError, parse_output


@pytest.mark.parametrize("text, expected", [
    ("bmd_pct_change(lumbar_spine, 5)", Output("bmd_pct_change", site="lumbar_spine", years=5.0)),
    ("bmd_pct_change(site=total_hip, years=2.5)", Output("bmd_pct_change", site="total_hip", years=2.5)),
    ("  strength_pct_change( femoral_neck ,10 ) ", Output("strength_pct_change", site="femoral_neck", years=10.0)),
    ("ctx(2)", Output("ctx", years=2.0)),
    ("fracture_incidence(hip, 10)", Output("fracture_incidence", fracture="hip", years=10.0)),
    ("value(BV, 1)", Output("value", name="BV", years=1.0)),
    ("union_time", Output("union_time")),
    ("union_time()", Output("union_time")),
])
def test_parse(text, expected):
    assert parse_output(text) == expected


def test_label_round_trips():
    for text in ("bmd_pct_change(lumbar_spine, 5)", "fracture_incidence(any, 10)", "pct_change(BV, 0.5)",
                 "union_time", "tscore(total_hip, 3)"):
        out = parse_output(text)
        assert out.label == text
        assert parse_output(out.label) == out


def test_mapping_form():
    assert parse_output({"kind": "ctx", "years": 3}) == Output("ctx", years=3.0)


def test_every_output_names_its_unit_and_targets():
    for spec in OUTPUTS.values():
        assert spec.unit and spec.description and set(spec.targets) <= {"patient", "classic", "healing"}


@pytest.mark.parametrize("text, words", [
    ("bmd(lumbar_spine, 5)", ["output", "unknown output 'bmd'", "bmd_pct_change(site, years)"]),
    ("bmd_pct_change(spine, 5)", ["site 'spine'", "lumbar_spine"]),
    ("bmd_pct_change(lumbar_spine)", ["needs years"]),
    ("bmd_pct_change(lumbar_spine, 0)", ["years 0", "(0, 100]"]),
    ("bmd_pct_change(lumbar_spine, soon)", ["years 'soon'", "not a number"]),
    ("bmd_pct_change(lumbar_spine, 5, 6)", ["takes 2 argument(s)"]),
    ("ctx(when=2)", ["no argument 'when'", "allowed: years"]),
    ("fracture_incidence(ankle, 5)", ["fracture kind 'ankle'", "vertebral, hip, wrist, nonvertebral, any"]),
    ("ctx(2", ["write it like a call"]),
])
def test_bad_output_is_a_named_error(text, words):
    with pytest.raises(SensitivityError) as err:
        parse_output(text)
    assert str(err.value).startswith("output: ")
    for w in words:
        assert w in str(err.value)


def test_docs_list_every_output():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "sensitivity.md").read_text()
    for spec in OUTPUTS.values():
        assert f"`{spec.name}" in doc, f"docs/sensitivity.md does not document the output {spec.name}"
