"""Osteosim's cancellous connectivity conn_<site>: perforation, downstream only, lost for good (issue 17 item 4).

Struts are perforated where a resorption cavity is deeper than the strut is thick; formation cannot refill a
strut that is gone, so anabolic drugs thicken the struts left (fewer perforations) but never raise conn.
One batch: a woman of 70 (menopause at 51) untreated and on each drug for 2 years.
"""
import jax.numpy as jnp
import numpy as np
import pytest

from osteosim.models import Osteosim
from osteosim.models.osteosim import SITE_STATES, perforation_rate
from osteosim.physiology.patient import SITES, Patient
from osteosim.runs import Lane, build_run
from osteosim.units import DAYS_PER_YEAR

from downstream_helpers import perturbed_jacobians

MODEL = Osteosim()
P = MODEL.default_parameters().values_dict()
START = 70.0
MONTHS = np.array([0, 6, 12, 18, 24])
AGES = np.concatenate([[30.0, 50.0], START + MONTHS / 12.0])
REGIMENS = {
    "placebo": [],
    "denosumab": ["denosumab 60 mg every 6 months for 2 years"],
    "teriparatide": ["teriparatide 20 ug daily for 2 years"],
    "romosozumab": ["romosozumab 210 mg monthly for 1 year"],
}


@pytest.fixture(scope="module")
def states():
    woman = Patient(sex="female", age=START, menopause_age=51.0)
    run = build_run(MODEL, [Lane(woman, reg, start_age=START) for reg in REGIMENS.values()], P,
                    ts=AGES * DAYS_PER_YEAR, years=2.0)
    sol = run.solve()
    assert sol.ok.all()
    return {name: np.asarray(sol.ys[i]) for i, name in enumerate(REGIMENS)}


def _conn(ys, site):
    return ys[:, MODEL.state_names.index(f"conn_{site}")]


def test_connectivity_starts_at_one_and_is_appended_last():
    y0 = MODEL.initial_state(MODEL.default_parameters())
    for s in SITES:
        assert y0[MODEL.state_names.index(f"conn_{s}")] == 1.0
    # appended after the nine earlier site states: their order (and stored results) did not change
    assert SITE_STATES[:9] == ("obp", "oba", "oca", "bv", "mineral", "fat", "rs", "bvc", "minc")
    assert SITE_STATES[9] == "conn"


def test_nothing_reads_the_connectivity():
    """d f_k / d conn == 0 for every state k but conn itself (downstream only: every other state, BMD and stored
    fit is as without it), with and without a drug, at perturbed states."""
    jacs, idx, others = perturbed_jacobians(MODEL, P, "conn", ([], REGIMENS["teriparatide"]), seed=5)
    for j in jacs:
        assert np.all(j[np.ix_(others, idx)] == 0.0), "a rate other than dconn/dt reads conn"
        assert np.all(np.diag(j)[idx] < 0.0)


def test_perforation_chance_rises_as_struts_thin():
    """Same resorption: thinner struts (less bone on as many struts) lose more; a strut thickness of
    perforation_depth_ratio is the 50 % point of the threshold."""
    r = np.asarray(perforation_rate(jnp.asarray(0.001), jnp.asarray([1.0, 0.6, 0.3]), jnp.asarray(1.0), P))
    assert r[0] < r[1] < r[2]
    half = float(perforation_rate(1.0, jnp.asarray(P["perforation_depth_ratio"]), jnp.asarray(1.0), P))
    assert half == pytest.approx(0.5 * P["perforation_gain"])
    # surviving struts carry the bone: at equal bvc, fewer struts are thicker and safer
    assert float(perforation_rate(1.0, jnp.asarray(0.5), jnp.asarray(0.5), P)) < float(
        perforation_rate(1.0, jnp.asarray(0.5), jnp.asarray(1.0), P))


def test_untreated_connectivity_falls_with_age(states):
    for s in SITES:
        c = _conn(states["placebo"], s)
        assert 1.0 > c[0] > c[1] > c[2] > c[-1] > 0.0, s
        # the menopause speeds it: more lost from 50 to 70 than from 30 to 50
        assert c[1] - c[2] > c[0] - c[1], s


def test_no_drug_reconnects_a_strut_and_antiresorptives_save_them(states):
    for s in SITES:
        base = _conn(states["placebo"], s)[2:]
        for name in ("denosumab", "teriparatide", "romosozumab"):
            c = _conn(states[name], s)[2:]
            assert np.all(np.diff(c) <= 0.0), (name, s)  # lost for good: never rises
        # denosumab stops most perforation: it keeps more struts than placebo
        den = _conn(states["denosumab"], s)[2:]
        assert den[-1] / den[0] > base[-1] / base[0], s
        assert 1.0 - den[-1] / den[0] < 0.5 * (1.0 - base[-1] / base[0]), s
