"""Healing courses on the coarse 1-D line: the published sequence, non-union, rescue, timing."""
from __future__ import annotations

import json

import numpy as np
import pytest

from osteosim.healing.model import HealingModel
from osteosim.io_utils import to_jsonable
from osteosim.healing.run import build_grid, solve_course
from osteosim.healing.treatment import Injection, apply_injection
from osteosim.parameters.bailon_plaza2001 import BAILON_PLAZA2001

from healing_helpers import line_course


def _series(result, group: str, name: str) -> np.ndarray:
    return np.asarray(result.summary[group][name])


def test_normal_fracture_unites_near_the_calibrated_time(normal_line):
    # the line is fitted to the 2-D reference, which maps to 12 weeks (Perkins' rule)
    assert normal_line.summary["time_to_union_weeks"] == pytest.approx(12.0, rel=0.03)
    assert normal_line.summary["outcome"] == "union"


def test_published_sequence_msc_then_cartilage_then_bone(normal_line):
    s, w = normal_line.summary, normal_line.times_weeks
    union = s["time_to_union_weeks"]
    t_msc = w[np.argmax(_series(normal_line, "callus_mean", "c_M"))]
    cart = np.asarray(s["tissue_fractions"]["cartilage"])
    bone = np.asarray(s["tissue_fractions"]["bone"])
    t_cart = w[np.argmax(cart)]
    assert t_msc < t_cart < union          # MSC invasion, then a cartilage callus, then bony bridging
    assert cart.max() > 0.2                # a real cartilaginous phase
    assert bone[w < union].max() > 0.1     # intramembranous bone away from the gap forms first
    assert cart[-1] < 0.05 and bone[-1] > 0.95  # cartilage replaced: a bony callus
    # endochondral ossification of the gap: cartilage matrix first, then bone replaces it
    gap_mc, gap_mb = _series(normal_line, "gap_mean", "m_C"), _series(normal_line, "gap_mean", "m_B")
    k = np.argmax(gap_mc)
    assert gap_mc[k] > 0.5 and gap_mb[k] < 0.5 and w[k] < union
    assert gap_mc[-1] < 0.5 and gap_mb[-1] > 0.95


def test_fields_stay_positive_and_bounded(normal_line, injected_lines):
    for r in [normal_line, *injected_lines.values()]:
        for name, arr in r.fields.items():
            assert np.nanmin(arr) >= -1e-6, name
        for name in ("m_C", "m_B", "c_C"):  # the matrix laws cap exactly at 1/kappa
            assert np.nanmax(r.fields[name]) <= 1.0 + 1e-6, name
        # BP2001 caps proliferation only: haptotaxis can concentrate MSCs slightly, and endochondral
        # transfer (Y3 = 1000) can briefly push osteoblasts past 1/alpha_B where both lineages meet
        assert np.nanmax(r.fields["c_M"]) <= 1.01
        assert np.nanmax(r.fields["c_B"]) <= 1.25


def test_atrophic_nonunion_without_cells_never_makes_bone(nonunion_line):
    s = nonunion_line.summary
    assert s["time_to_union_weeks"] is None
    assert s["outcome"] == "fibrous_nonunion"
    assert _series(nonunion_line, "callus_mean", "m_B")[-1] < 0.05
    assert np.nanmax(nonunion_line.fields["c_M"]) == 0.0
    assert '"time_to_union_weeks": null' in json.dumps(to_jsonable(s))


def test_early_injection_rescues_the_nonunion(injected_lines):
    for week in (0, 1, 2, 4):
        r = injected_lines[week]
        assert r.summary["time_to_union_weeks"] is not None, week
        assert r.summary["injections"][0]["t_days"] == pytest.approx(7.0 * week)


def test_earlier_injection_heals_sooner_and_too_late_fails(injected_lines):
    weeks = sorted(w for w in injected_lines if injected_lines[w].summary["time_to_union_weeks"] is not None)
    unions = [injected_lines[w].summary["time_to_union_weeks"] for w in weeks]
    assert weeks[:5] == [0, 1, 2, 4, 8]
    assert all(a < b for a, b in zip(unions, unions[1:]))
    # the boundary GF release ends at t_gf_window (~16 weeks): cells injected after it make no bone
    late = injected_lines[20].summary
    assert late["time_to_union_weeks"] is None and late["final_tissue_fractions"]["bone"] < 0.05


def test_gf_deficient_nonunion_is_not_rescued_by_cells_alone():
    """Dossier S4: without the periosteal osteogenic GF, injected MSCs make cartilage but no bone."""
    params = BAILON_PLAZA2001
    grid = build_grid(params, 0.2, "line", "coarse")
    model = HealingModel(grid, params.values_dict(), msc_supply=False, gb_supply=False)
    inj = Injection(t_days=7.0, cells=1e6)
    jump = (7.0 / params.value("time_scale_days"), lambda u: apply_injection(u, inj, grid, params, 2.0))
    course = solve_course(model, 20.0, np.linspace(0, 20, 21), [jump])
    assert course.union_time is None
    assert course.u[-1, 4].max() < 1e-3  # m_B
    assert course.u[-1, 3].mean() > 0.5  # m_C: a cartilaginous callus


def test_injection_log_reports_the_cap():
    big = line_course("atrophic_nonunion", ["msc bone-marrow allogeneic 1e8 cells into the gap at 1 week"], weeks=2)
    ev = big.summary["injections"][0]
    assert ev["density_added"] > 1.0 and ev["cells_capped"] > 0.5 * ev["cells"]
    assert np.nanmax(big.fields["c_M"]) <= 1.0 + 1e-9


def test_whole_callus_injection_bridges_sooner_than_gap_only():
    """Dossier S3 (site): the same cells spread over the whole callus bridge the gap sooner."""
    params = BAILON_PLAZA2001
    grid = build_grid(params, 0.2, "line", "coarse")
    model = HealingModel(grid, params.values_dict(), msc_supply=False)
    t_inj = 7.0 / params.value("time_scale_days")
    union = {}
    for region in ("gap", "callus"):
        inj = Injection(t_days=7.0, cells=1e7, region=region)
        jump = (t_inj, lambda u, inj=inj: apply_injection(u, inj, grid, params, 2.0))
        union[region] = solve_course(model, 12.0, [0.0, 12.0], [jump]).union_time
    assert union["callus"] < union["gap"]
