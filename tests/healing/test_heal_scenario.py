"""The healing scenario: validation messages, treatment parsing, patient effects, the 2-D grid."""
from __future__ import annotations

import numpy as np
import pytest

from osteosim.healing import HealingScenario, HealingScenarioError, run_healing
from osteosim.healing.conditions import patient_factors
from osteosim.physiology.patient import Patient

from healing_helpers import msc_at


@pytest.mark.parametrize("data, words", [
    ({"fracture": {"gap_mm": 20}}, ["fracture.gap_mm", "20", "6"]),
    ({"fracture": {"condition": "hypertrophic"}}, ["fracture.condition", "hypertrophic", "normal", "atrophic_nonunion"]),
    ({"fracture": {"grid": "medium"}}, ["fracture.grid", "medium", "coarse"]),
    ({"fracture": {"gapmm": 2}}, ["fracture: unknown key 'gapmm'; did you mean 'gap_mm'?"]),
    ({"wekks": 10}, ["wekks", "weeks"]),
    ({"weeks": -1}, ["weeks", "-1"]),
    ({"patient": {"age": 130}}, ["patient", "age", "130"]),
    ({"treatment": ["msc bone-marrow allogeneic 1e6 cells iv once"]}, ["treatment[0]", "iv", "into the gap"]),
    ({"treatment": ["alendronate 70 mg weekly"]}, ["treatment[0]", "alendronate", "msc"]),
    ({"treatment": ["msc bone-marrow allogeneic 1e6 cels into the gap at 1 week"]}, ["treatment[0]", "cels"]),
])
def test_bad_input_is_one_line_naming_field_value_and_allowed(data, words):
    with pytest.raises(HealingScenarioError if "treatment" not in data else ValueError) as exc:
        HealingScenario.from_mapping(data)
    msg = str(exc.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, (w, msg)


def test_from_yaml(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("fracture: {gap_mm: 3, condition: atrophic_nonunion}\nweeks: 12\ntreatment:\n  - " + msc_at(1) + "\n")
    s = HealingScenario.from_yaml(p)
    assert s.fracture.gap_mm == 3 and s.weeks == 12
    (inj,) = s.injections()
    assert inj.t_days == 7.0 and inj.cells == 1e6 and inj.region == "gap" and inj.donor == "allogeneic"
    with pytest.raises(HealingScenarioError, match="file not found"):
        HealingScenario.from_yaml(tmp_path / "missing.yaml")


def test_repeated_injections_and_product_effects():
    s = HealingScenario.from_mapping({"weeks": 10, "patient": {"age": 75, "sex": "female"}, "treatment": [
        "msc bone-marrow allogeneic 1e6 cells into the gap every 4 weeks",
        "msc bone-marrow autologous 1e6 cells into the gap at 1 week"]})
    inj = s.injections()
    assert [i.t_days for i in inj] == [0.0, 7.0, 28.0, 56.0]
    auto = next(i for i in inj if i.donor == "autologous")
    allo = next(i for i in inj if i.donor == "allogeneic")
    assert auto.donor_age_years == pytest.approx(75.0, abs=0.1)
    assert auto.potency < allo.potency  # the old patient's own cells are less osteogenic


def test_patient_effects_slow_healing_with_age_and_estrogen_loss():
    young = patient_factors(Patient(age=25, sex="male"))
    assert all(v == 1.0 for v in young.values())
    old_man = patient_factors(Patient(age=75, sex="male"))
    old_woman = patient_factors(Patient(age=75, sex="female"))
    assert old_man["c_M_boundary"] < 0.2 and old_man["A_M0"] == pytest.approx(1 / 1.7)
    assert old_woman["migration"] == pytest.approx(0.25) and old_woman["Y1"] < old_man["Y1"]
    assert patient_factors(Patient(species="rat", age=0.5, sex="female")) == patient_factors(None)
    weeks = {}
    for label, patient in (("young", {"age": 25, "sex": "male"}), ("old", {"age": 80, "sex": "female"})):
        r = run_healing({"fracture": {"geometry": "line"}, "patient": patient, "weeks": 30})
        weeks[label] = r.summary["time_to_union_weeks"]
    assert weeks["young"] < weeks["old"]


def test_planar_course_shapes_and_summary():
    done: list[float] = []
    r = run_healing({"fracture": {"geometry": "planar"}, "weeks": 2}, progress=done.append)
    assert done[-1] == 1.0 and len(done) > 10 and all(isinstance(x, float) for x in done)
    ny, nx = r.grid.image_shape
    assert r.fields["m_B"].shape == (len(r.times_weeks), ny, nx)
    assert np.isnan(r.fields["m_B"][0]).any() and not np.isnan(r.fields["m_B"][0, 0, 0])
    s = r.summary
    assert s["time_to_union_weeks"] is None and s["times_weeks"][-1] == pytest.approx(2.0)
    assert set(s["tissue_fractions"]) == {"bone", "cartilage", "soft"}
    assert np.allclose(np.sum([s["tissue_fractions"][k] for k in ("bone", "cartilage", "soft")], axis=0), 1.0)
    assert "BailonPlaza2001" in {c["key"] for c in s["citations"]}
