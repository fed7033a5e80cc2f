"""MSC therapy: products, biodistribution, mechanisms and their effects (one batched solve)."""
import math

import jax.numpy as jnp
import numpy as np
import pytest

from osteosim.models.osteosim import Osteosim
from osteosim.outcomes.patient_run import relative_bmd, simulate_regimens, species_parameters
from osteosim.physiology.drivers import patient_drivers
from osteosim.physiology.patient import SITES, Patient
from osteosim.therapies import parse_prescription, parse_regimen
from osteosim.therapies.msc import MECHANISMS, SWITCHES, MSCProduct, graft
from osteosim.therapies.pkpd import regimen_tables

MODEL = Osteosim()
P = MODEL.default_parameters().values_dict()
PATIENT = Patient(age=65, tscore_lumbar_spine=-2.7)
IO = "msc bone-marrow allogeneic {n} cells intraosseous {when} site lumbar_spine"
ALL_OFF = {s: 0.0 for s in SWITCHES.values()}
ROWS = {
    "none": ([], {}),
    "iv_1e7": (["msc bone-marrow allogeneic 1e7 cells/kg iv once"], {}),
    "iv_1e8": (["msc bone-marrow allogeneic 1e8 cells/kg iv once"], {}),
    "io_5e6": ([IO.format(n="5e6", when="once")], {}),
    "io_5e7": ([IO.format(n="5e7", when="once")], {}),
    "io_5e8": ([IO.format(n="5e8", when="once")], {}),
    "io_redosed": ([IO.format(n="5e7", when="every 6 months for 3 years")], {}),
    "io_old_donor": (["msc bone-marrow allogeneic donor age 70 5e7 cells intraosseous once site lumbar_spine"], {}),
    "io_autologous": (["msc bone-marrow autologous 5e7 cells intraosseous once site lumbar_spine"], {}),
    "io_all_off": ([IO.format(n="5e7", when="once")], ALL_OFF),
    "denosumab": (["denosumab 60 mg every 6 months for 3 years"], {}),
    "denosumab_io": (["denosumab 60 mg every 6 months for 3 years", IO.format(n="5e7", when="once")], {}),
}
for _m in MECHANISMS:
    ROWS[f"io_no_{_m}"] = ([IO.format(n="5e7", when="once")], {SWITCHES[_m]: 0.0})
    ROWS[f"io_only_{_m}"] = ([IO.format(n="5e7", when="once")], dict(ALL_OFF, **{SWITCHES[_m]: 1.0}))


@pytest.fixture(scope="module")
def bmd():
    """LS and hip BMD (% of peak) per row, monthly over 3 years: one batched solve."""
    ages = PATIENT.age + np.arange(0, 37) / 12.0
    sol = simulate_regimens(MODEL, P, [(PATIENT, reg, over) for reg, over in ROWS.values()], ages)
    assert sol.ok.all()
    return {name: {s: 100.0 * relative_bmd(MODEL, sol.ys[i], s) for s in SITES} for i, name in enumerate(ROWS)}


def effect(bmd, row, site="lumbar_spine", month=36):
    return bmd[row][site][month] - bmd["none"][site][month]


# -- products -----------------------------------------------------------------------------------
def test_product_from_prescription_takes_patient_state():
    auto = MSCProduct.from_prescription(parse_prescription("msc bone-marrow autologous 2e6 cells/kg iv once"), PATIENT)
    allo = MSCProduct.from_prescription(parse_prescription("msc bone-marrow allogeneic 2e6 cells/kg iv once"), PATIENT)
    assert auto.donor_age_years == 65 and auto.osteoporotic_donor and not allo.osteoporotic_donor
    assert allo.donor_age_years == 30.0  # catalogue default
    assert auto.osteogenic_potency < allo.osteogenic_potency
    assert auto.adipogenic_bias > allo.adipogenic_bias
    assert auto.marrow_homing_fraction < allo.marrow_homing_fraction  # OVX cells migrate ~4x less
    assert math.isclose(allo.cells_per_dose, 2e6 * PATIENT.body_weight_kg)
    cord = MSCProduct.from_prescription(parse_prescription("msc umbilical-cord allogeneic 1e6 cells/kg iv once"), PATIENT)
    assert cord.adipogenic_bias == pytest.approx(0.38)  # cord tissue (Stem Cells Int 2016 review), not cord blood


def test_osteoporotic_donor_penalty_depends_on_the_source():
    """Zheng 2018: OVX-donor bone-marrow cells lose their effect, OVX-donor adipose cells keep it."""
    bm = MSCProduct.from_prescription(parse_prescription("msc bone-marrow autologous 2e6 cells/kg iv once"), PATIENT)
    ad = MSCProduct.from_prescription(parse_prescription("msc adipose autologous 2e6 cells/kg iv once"), PATIENT)
    age = math.exp(-P["msc_donor_potency_decline"] * (PATIENT.age - P["msc_donor_young_age"]))
    assert bm.osteogenic_potency == pytest.approx(age * (1.0 - P["msc_op_potency_loss"]))
    assert ad.osteogenic_potency == pytest.approx(P["msc_osteo_adipose"] * age * (1.0 - P["msc_op_potency_loss_adipose"]))


def test_marrow_cells_outlive_lung_cells():
    """Separate survival half-lives: lung ~1 d (Lee 2009), marrow ~3 d (rabbit 4-week data)."""
    text = "msc bone-marrow autologous 5e7 cells {route}"
    young = Patient(age=30)
    io = _graft(text.format(route="intraosseous once site lumbar_spine"), 7.0, young)
    iv = _graft(text.format(route="iv once"), 7.0, young)
    net = math.log(2.0) / P["msc_marrow_survival_halflife"] - P["msc_prolif_rate"]
    assert float(io["marrow"][0]) == pytest.approx(5e7 * P["msc_io_retention"] * math.exp(-7.0 * net), rel=1e-4)
    k_lung = math.log(2.0) / P["msc_survival_halflife"]
    assert float(iv["lung"]) == pytest.approx(5e7 * P["msc_lung_trapping"] * math.exp(-7.0 * k_lung), rel=1e-4)


def test_allogeneic_cleared_faster():
    pr = "msc bone-marrow {} donor age 40 5e7 cells intraosseous once site lumbar_spine"
    young = Patient(age=40)
    auto = MSCProduct.from_prescription(parse_prescription(pr.format("autologous").replace(" donor age 40", "")), young)
    allo = MSCProduct.from_prescription(parse_prescription(pr.format("allogeneic")), young)
    assert allo.immune_clearance_per_day > 0.0 == auto.immune_clearance_per_day
    assert allo.survival_half_life_days < auto.survival_half_life_days
    auto_text = pr.format("autologous").replace(" donor age 40", "")
    cells = [float(_graft(text, 3.0, young)["marrow"][0]) for text in (pr.format("allogeneic"), auto_text)]
    assert 0.0 < cells[0] < cells[1]


def _graft(text, days, patient=PATIENT):
    t0 = patient.age * 365.25
    d = regimen_tables(parse_regimen([text]), t0, 365.0, patient=patient, params=P)
    return graft(t0 + days, {k: jnp.asarray(v) for k, v in d.items()}, P)


def test_iv_mostly_lung_trapped_and_cleared_within_days():
    text = "msc bone-marrow allogeneic 1e6 cells iv once"
    at_1h, at_7d = _graft(text, 1.0 / 24.0), _graft(text, 7.0)
    assert float(at_1h["lung"]) >= 0.8 * 1e6 * 0.95  # row 64: 80-100 % in the lungs
    assert float(at_7d["lung"]) < 0.01 * 1e6
    assert float(jnp.sum(at_1h["marrow"])) <= 0.01 * 1e6  # row 66: <= 1 % reaches marrow


def test_intraosseous_cells_stay_at_their_site(bmd):
    g = _graft(IO.format(n="5e7", when="once"), 1.0)
    assert float(g["marrow"][0]) > 0.0 and float(g["marrow"][1]) == float(g["marrow"][2]) == 0.0
    ls = effect(bmd, "io_5e7", month=6)
    assert ls > 0.0
    # the cells' own mechanisms stay at the site; only the immunosuppression (systemic) reaches the hip
    assert abs(effect(bmd, "io_no_immunomodulation", "total_hip", month=6)) < 0.1 * ls
    assert effect(bmd, "io_5e7", "total_hip", month=6) > 0.0


def test_dose_response_monotone(bmd):
    io = [effect(bmd, r, month=12) for r in ("io_5e6", "io_5e7", "io_5e8")]
    iv = [effect(bmd, r, month=12) for r in ("iv_1e7", "iv_1e8")]
    assert 0.0 < io[0] < io[1] < io[2]
    assert 0.0 < iv[0] < iv[1]


def test_redosing_sustains_single_dose_fades(bmd):
    single_peak = max(effect(bmd, "io_5e7", month=m) for m in range(13))
    assert effect(bmd, "io_5e7", month=36) < single_peak
    assert effect(bmd, "io_redosed", month=36) > 2.0 * effect(bmd, "io_5e7", month=36)


def test_older_and_osteoporotic_donor_cells_do_less(bmd):
    full = effect(bmd, "io_5e7", month=12)
    assert 0.0 < effect(bmd, "io_old_donor", month=12) < full
    assert 0.0 < effect(bmd, "io_autologous", month=12) < full


def test_each_mechanism_contributes_and_switches_off(bmd):
    # formation mechanisms add bone that lasts; the brief RANKL dip lowers resorption at first
    # (less resorption also means less TGF-beta-coupled recruitment, so its late effect is small)
    # immunomodulation damps the estrogen-deficiency drive of this postmenopausal woman while it lasts
    for m, month in zip(MECHANISMS, (12, 12, 1, 3)):
        assert effect(bmd, f"io_only_{m}", month=month) > 0.0, m
    for m in MECHANISMS[:2]:
        assert effect(bmd, f"io_no_{m}", month=12) < effect(bmd, "io_5e7", month=12), m
    # all switches off: the untreated patient, to solver tolerance (the dose time is still a step
    # boundary, so the step sequence differs; default rtol 1e-6 on states)
    for site in SITES:
        np.testing.assert_allclose(bmd["io_all_off"][site], bmd["none"][site], rtol=1e-5)


def test_each_switch_changes_only_its_pathway():
    """Signals one day after an intraosseous dose, each switch off in turn (no solve)."""
    t0 = PATIENT.age * 365.25
    reg = parse_regimen([IO.format(n="5e7", when="once")])
    p = species_parameters(MODEL, MODEL.default_parameters(), "human").values_dict()
    d = MODEL.complete_drivers(p, dict(MODEL.default_drivers(), **patient_drivers(PATIENT, p),
                                       **regimen_tables(reg, t0, 365.0, patient=PATIENT, params=p)))
    y = jnp.asarray(MODEL.initial_state(p, d))
    t = t0 + 1.0

    def look(**over):
        q = dict(p, **over)
        out = MODEL.outputs(t, y, q, d)
        rhs = MODEL.rhs(t, y, q, d)
        return float(out["rankl_lumbar_spine"]), float(out["commitment_lumbar_spine"]), float(rhs[0])

    full = look()
    no_msc = look(**ALL_OFF)
    no_a, no_b, no_c, no_d = (look(**{SWITCHES[m]: 0.0}) for m in MECHANISMS)
    # (d) immunomodulation: the estrogen-deficiency drive falls, so RANKL falls and commitment rises
    assert no_d[0] > full[0] and no_d[1] < full[1]
    # (a)-(c), each against the same run without (d)
    d_off = {SWITCHES["immunomodulation"]: 0.0}
    full = look(**d_off)
    no_a, no_b, no_c = (look(**{SWITCHES[m]: 0.0}, **d_off) for m in MECHANISMS[:3])
    # (a) differentiation: only the precursor supply (d OBp/dt) changes
    assert no_a[:2] == full[:2] and no_a[2] < full[2]
    # (b) paracrine: commitment changes, RANKL does not
    assert no_b[0] == full[0] and no_b[1] == no_msc[1] < full[1]
    # (c) osteoclast inhibition: RANKL changes, commitment does not
    assert no_c[1] == full[1] and no_c[0] == no_msc[0] > full[0]


def test_combination_with_denosumab(bmd):
    combo = effect(bmd, "denosumab_io", month=12)
    assert combo > effect(bmd, "denosumab", month=12) > 0.0
    assert combo > effect(bmd, "io_5e7", month=12)


def test_body_weight_from_patient():
    assert Patient(weight_kg=70.0).body_weight_kg == 70.0
    assert math.isclose(Patient(bmi=25.0).body_weight_kg, 25.0 * 1.62 ** 2)  # assumed female height
    with pytest.raises(ValueError, match="weight_kg: 5.0 is outside the allowed range"):
        Patient(weight_kg=5.0)


def test_msc_regimen_tables_and_errors():
    t0 = PATIENT.age * 365.25
    d = regimen_tables(parse_regimen(["msc adipose allogeneic 2e6 cells/kg iv every 6 months for 1 year"]), t0, 730.0,
                       patient=PATIENT, params=P)
    assert d["msc_count"][0] == 2 and d["msc_src_adipose"][0] == 1.0 and d["msc_iv"][0] == 1.0
    assert math.isclose(d["msc_amount"][0], 2e6 * PATIENT.body_weight_kg)
    with pytest.raises(ValueError, match="into the gap"):
        regimen_tables(parse_regimen(["msc bone-marrow allogeneic 1e6 cells into the gap at 1 week"]), t0, 730.0,
                       patient=PATIENT)
    with pytest.raises(ValueError, match="needs a patient"):
        regimen_tables(parse_regimen(["msc bone-marrow allogeneic 1e6 cells iv once"]), t0, 730.0)
