"""HTML reports come from jinja2 templates shipped as package data, autoescaped, with full references."""
from importlib import resources

import pytest

from osteosim import citations
from osteosim.physiology.patient import Patient
from osteosim.report.html import render_patients_report
from osteosim.report.templating import ci, fmt, render


def test_templates_are_package_data():
    names = {p.name for p in resources.files("osteosim").joinpath("report/templates").iterdir()}
    assert {"base.html.j2", "patients.html.j2", "trial.html.j2"} <= names


def test_number_filters():
    assert fmt(None) == "–" and fmt(float("nan")) == "–" and fmt(1.234) == "1.23"
    assert fmt(-13.04, "+.1f", " %") == "-13.0 %"
    assert ci([0.2, 4.66]) == "0.20 to 4.66" and ci(None) == "–" and ci([None, None]) == "–"


def _entries():
    summary = {"sites": {"lumbar_spine": {"tscore_start": -2.7, "tscore_end": -3.7, "bmd_pct_change": -13.0}},
               "age_start": 52, "age_end": 72, "ctx_pct_change": -9.0, "marrow_fat_start": 0.53}
    return [{"name": "<script>alert(1)</script>", "description": "a & b", "summary": summary,
             "patient": Patient(sex="female", age=52, smoker=True), "csv": "a/t.csv", "plot": "a/p.png"},
            {"name": "empty", "summary": {}}]


def test_patients_report_escapes_and_formats():
    html = render_patients_report(_entries(), title="t <b>", citations=citations.resolve(["osteosim"]))
    assert "<script>" not in html and "&lt;script&gt;" in html and "t &lt;b&gt;" in html
    assert "a &amp; b" in html
    assert '<td class="osteoporosis">-3.70 (osteoporosis)</td>' in html
    assert "-13.0 %" in html and "53→– %" in html  # a missing value is a dash
    assert "female, 52 y" in html and "smoker" in html
    assert '<a href="a/t.csv">time series (CSV)</a>' in html and "summary (JSON)" not in html


def test_reports_list_full_references_with_their_keys():
    html = render("base.html.j2", title="x", citations=citations.resolve(["Kanis2008"]))
    assert "Kanis JA et al. A reference standard for the description of osteoporosis. Bone 2008;42:467-475." in html
    assert "<code>Kanis2008</code>" in html
    # summaries hold references as dicts: the templates read them the same way
    html = render("base.html.j2", title="x", citations=citations.references(["Kanis2008"]))
    assert "Bone 2008;42:467-475." in html


def test_no_references_no_section():
    assert "References used" not in render_patients_report(_entries())


@pytest.mark.parametrize("bad", ["missing.html.j2"])
def test_unknown_template_is_an_error(bad):
    import jinja2

    with pytest.raises(jinja2.TemplateNotFound):
        render(bad)
