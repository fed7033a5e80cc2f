"""Country tables of the clinic calculator: they reproduce their sources, and a bad name is refused."""
import numpy as np
import pytest
import yaml
from importlib import resources

from osteosim.outcomes.fracture import FractureModel, fracture_model, ten_year_probability
from osteosim import citations
from osteosim.parameters.fracture_countries import COUNTRIES, country_citations, country_tables
from osteosim.physiology.patient import Patient

RAW = yaml.safe_load(resources.files("osteosim").joinpath("data/fracture_countries.yaml").read_text())


def life_expectancy(tables, age: float, female: float) -> float:
    a = np.linspace(age, 125.0, 40001)
    mid = 0.5 * (a[1:] + a[:-1])
    h = np.concatenate([[0.0], np.cumsum(np.diff(a) * tables.mortality(mid, female))])
    return float(np.trapezoid(np.exp(-h), a))


def test_us_hip_bands_are_the_published_ones():
    t = country_tables("us")
    src = RAW["countries"]["us"]["hip"]
    for start, w, m in zip(src["band_starts"][:-1], src["women"], src["men"]):
        assert t.hip_incidence(start + 2.5, 1.0) == pytest.approx(w * 1e-3, rel=1e-12)
        assert t.hip_incidence(start + 2.5, 0.0) == pytest.approx(m * 1e-3, rel=1e-12)
    assert t.hip_incidence(95.0, 1.0) == pytest.approx(src["women"][-1] * 1e-3)  # held after the 85+ band


def test_uk_mortality_reproduces_ons_life_expectancy():
    t = country_tables("uk")
    for female, e65, e85 in ((1.0, 20.9, 6.8), (0.0, 18.3, 5.8)):
        assert life_expectancy(t, 65.0, female) == pytest.approx(e65, abs=0.05)
        assert life_expectancy(t, 85.0, female) == pytest.approx(e85, abs=0.05)


def test_us_mortality_is_the_life_table():
    t = country_tables("us")
    m = RAW["countries"]["us"]["mortality"]
    for age, qw in zip(m["ages"], m["women"]):
        assert 1.0 - np.exp(-t.mortality(age + 0.5, 1.0)) == pytest.approx(qw, rel=1e-9)
    # SSA 2022: women's life expectancy at 65 is 20.12 y (the table's own column); interpolation keeps it
    assert life_expectancy(t, 65.0, 1.0) == pytest.approx(20.12, abs=0.3)


def test_norway_is_fracture2026_unchanged():
    assert country_tables("norway") is None and type(fracture_model("norway")) is FractureModel
    pt = Patient(age=70.0, sex="female", bmi=26.0, tscore_femoral_neck=-2.5, prior_fracture=True)
    # the value `osteosim risk` printed before --country existed (issue 17)
    assert ten_year_probability(pt)["hip"] == pytest.approx(15.663854463264235, rel=1e-12)
    assert ten_year_probability(pt, country="norway") == ten_year_probability(pt)


def test_countries_order_hip_risk():
    """Norway's hip incidence is among the world's highest; the UK's below the US's (Kanis 2012)."""
    pt = Patient(age=70.0, sex="female", bmi=25.0, tscore_femoral_neck=-2.5, prior_fracture=True)
    p = {c: ten_year_probability(pt, country=c)["hip"] for c in COUNTRIES}
    assert p["norway"] > p["us"] > p["uk"] > 0


def test_other_fractures_follow_the_hip_ratio():
    """FRAX's imputation: every kind is scaled by the country's hip / Fracture2026's hip."""
    ages, female = np.array([55.0, 70.0, 85.0]), np.ones(3)
    base, us = FractureModel().base_incidence(ages, female), fracture_model("us").base_incidence(ages, female)
    ratio = us / base
    assert np.allclose(ratio, ratio[:, 1:2])


def test_bad_country_names_the_field():
    with pytest.raises(ValueError, match=r"country: 'france' is not allowed \(us \| uk \| norway\)"):
        ten_year_probability(Patient(age=65.0), use_bmd=False, country="france")
    with pytest.raises(ValueError, match="country"):
        ten_year_probability(Patient(age=65.0), use_bmd=False, country="us", model=FractureModel())


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_country_cites_registered_sources(country):
    keys = country_citations(country)
    assert keys and all(citations.get(k).title for k in keys)
