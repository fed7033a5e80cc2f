"""osteosim.calibration.perforation: the perforation gain from the vertebral trabecular-number decline, the stored
population term, and what the fracture hazard does with it (issue 17 item 4)."""
import numpy as np
import pytest

from osteosim.calibration import perforation as pf
from osteosim.models import Osteosim
from osteosim.outcomes.fracture import KIND_SITES, KINDS, FractureModel
from osteosim.outcomes.strength import connectivity_factor, population_connectivity_log_term
from osteosim.physiology.patient import SITES, Patient
from osteosim.runs import Lane, build_run
from osteosim.trials.runner import strength_change
from osteosim.units import DAYS_PER_YEAR

MODEL = Osteosim()
P = MODEL.default_parameters().values_dict()


def test_gain_is_read_by_the_parameter_set_and_meets_its_target():
    p = MODEL.default_parameters()["perforation_gain"]
    assert "calibration.perforation" in p.source
    conn = pf.connectivity_course(p.value, P, MODEL)
    assert pf._ratio(conn) == pytest.approx(P["perforation_reference_ratio"], rel=1e-3)


def test_population_term_is_the_reference_runs():
    """The stored table is ln F - ln F_0 (without the struts) of the reference woman: 0 at the young adult, falling
    with age, and read back (interpolated) by outcomes.strength."""
    ys = pf._solve(P, MODEL)[0]
    for site in SITES:
        term = pf.log_connectivity_term(MODEL, ys, P, site)
        stored = population_connectivity_log_term(site, pf.TABLE_AGES, 1.0)
        assert stored == pytest.approx(term, abs=1e-6), site
        # (at 100 y little cancellous bone is left to carry load, so the term shrinks again)
        assert stored[0] == pytest.approx(0.0, abs=1e-3) and stored[50] < stored[30] < stored[10] < 0.0, site
    assert population_connectivity_log_term("lumbar_spine", 70.5, 1.0) == pytest.approx(
        0.5 * (population_connectivity_log_term("lumbar_spine", 70.0, 1.0)
               + population_connectivity_log_term("lumbar_spine", 71.0, 1.0)))
    with pytest.raises(ValueError, match="site: 'wrist'"):
        population_connectivity_log_term("wrist", 70.0, 1.0)
    with pytest.raises(ValueError, match="conn: -0.1"):
        connectivity_factor(-0.1, P)


def test_untreated_hazard_follows_base_incidence_and_denosumab_gains_the_struts_it_saves():
    """A woman of 70 for 3 years: her log strength deviation from the age-matched population (the hazard's x).
    Untreated, her strut loss is the population's, so x and the hazard ratio to base incidence stay as without the
    struts (k = 0 and no population term).  On denosumab she keeps struts the population loses: with her own
    connectivity she is stronger, and at lower hazard, than with the placebo lane's (the perforations it prevents)."""
    months = np.arange(0, 37, 6)
    ages = 70.0 + months / 12.0
    lanes = [Lane(Patient(sex="female", age=70.0, menopause_age=m), reg, start_age=70.0)
             for m in (51.0, 45.0) for reg in ([], ["denosumab 60 mg every 6 months for 3 years"])]
    sol = build_run(MODEL, lanes, P, ts=ages * DAYS_PER_YEAR, years=3.0).solve()
    assert sol.ok.all()
    ys = np.asarray(sol.ys)
    fm = FractureModel(hazard="strength")
    mu, s_b = fm.log_strength_by_kind(ages, 1.0)
    term = np.stack([population_connectivity_log_term(KIND_SITES[k], ages, 1.0) for k in KINDS], axis=-1)
    dx_new = strength_change(MODEL, ys, P) - (mu - mu[:1])
    # without the struts: k = 0 and the fracture-strength weight of the strength law
    p_old = dict(P, connectivity_strength_exponent=0.0,
                 **{f"fracture_strength_weight_{s}": P[f"trabecular_strength_weight_{s}"] for s in SITES})
    dx_old = strength_change(MODEL, ys, p_old) - ((mu - term) - (mu - term)[:1])
    untreated = (dx_new - dx_old)[[0, 2]]
    assert np.max(np.abs(untreated[0])) < 0.005  # the reference woman herself: only the table's interpolation
    # an earlier menopause: a little faster strut loss than the population (0.003 at the hip; the radius keeps most of
    # its struts since its own cancellous turnover ratio, so the wrist's lead is ~4e-5, where it was 0.03-0.04 while
    # its cancellous bone was emptied)
    assert np.max(np.abs(untreated[1])) < 0.03
    v = KINDS.index("vertebral")
    shape = fm.shapes["vertebral"]
    rr = lambda dx, m: shape.relative_risk(dx[:, v], m[:, v], s_b[:, v])  # noqa: E731
    # without the term the shape's reference (mu_ref at hazard_reference_age) had none either
    ref = np.stack([population_connectivity_log_term(KIND_SITES[k], fm.sp["hazard_reference_age"], 1.0)
                    for k in KINDS], axis=-1)
    assert rr(dx_new[0], mu) == pytest.approx(rr(dx_old[0], mu - term + ref), rel=0.02)
    # denosumab with the placebo lane's connectivity: the struts it saved taken away
    conn = [MODEL.state_names.index(f"conn_{s}") for s in SITES]
    for treated, placebo in ((1, 0), (3, 2)):
        lost = ys[treated].copy()
        lost[:, conn] = ys[placebo][:, conn]
        saved = strength_change(MODEL, ys[treated][None], P)[0] - strength_change(MODEL, lost[None], P)[0]
        assert saved[-1, v] > 0.008 and np.all(np.diff(saved[:, v]) >= 0.0)  # grows with the months on drug
        assert rr(dx_new[treated] - saved, mu)[-1] > 1.01 * rr(dx_new[treated], mu)[-1]
        # and against the law without struts: the struts it saves come on top (the share at 75 is kept, w_F)
        assert rr(dx_new[treated], mu)[-1] < 0.98 * rr(dx_old[treated], mu - term + ref)[-1]


def test_cli_derives_the_gain():
    from typer.testing import CliRunner

    from osteosim.cli.app import app

    r = CliRunner().invoke(app, ["calibrate", "--perforation", "--check"])
    assert r.exit_code == 0, r.output
    assert "perforation_gain" in r.output
    r = CliRunner().invoke(app, ["calibrate", "--perforation", "--cavity"])
    assert r.exit_code == 2
