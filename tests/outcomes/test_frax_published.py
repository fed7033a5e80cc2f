"""The clinic calculator (``ten_year_probability(country=...)``) against published FRAX probabilities.

Profiles and values: ``osteosim/data/frax_published.yaml`` (each with its source).  Nothing in the
calculator was fitted to them.  Tolerance: |osteosim - FRAX| <= max(25 % of the FRAX value, 0.5
percentage points), for hip and major osteoporotic fracture (MOF) alike.  A profile outside it is a
known miss below, with the size of the miss (osteosim - FRAX, percentage points); the test fails if a
known miss moves by more than 0.05 points or comes inside the tolerance (then move it to the passes).
"""
from importlib import resources

import pytest
import yaml

from osteosim.outcomes.fracture import ten_year_probability
from osteosim.physiology.patient import Patient

DATA = yaml.safe_load(resources.files("osteosim").joinpath("data/frax_published.yaml").read_text())
REL_TOL, ABS_TOL = 0.25, 0.5
#: (profile id, outcome) -> osteosim minus FRAX, percentage points.  MOF: FRAX's imputation from the hip
#: here uses Fracture2026's vertebral, wrist and other incidences, which give too few non-hip major fractures
#: below 80 (and FRAX's prior-fracture RR is larger at younger ages than the pooled 1.86 used here);
#: hip: T -3 at 50 and 60, the prior fracture at 60, T -2 at 80 (lower by 0.9-1.9 points), both profiles
#: at 90 (Fracture2026's mean FN T-score at 90 is -2.45, so T -2 is above average there, and the hip
#: tables are held after 89), and the US example (no BMI stated, Hologic T-score).
KNOWN_MISSES = {
    ("uk-50-noCRF", "mof"): -2.24, ("uk-60-noCRF", "mof"): -2.89, ("uk-70-noCRF", "mof"): -3.09,
    ("uk-50-prior", "mof"): -5.08, ("uk-60-prior", "hip"): -0.86, ("uk-60-prior", "mof"): -6.31,
    ("uk-70-prior", "mof"): -5.84, ("uk-60-T-2", "mof"): -3.57, ("uk-60-T-3", "hip"): -1.52,
    ("uk-60-T-3", "mof"): -3.97, ("uk-70-T-2", "mof"): -3.47, ("uk-80-T-2", "hip"): -1.13,
    ("us-65-T-2.3", "hip"): 0.75,
    ("uk-50-T-2", "mof"): -2.84, ("uk-50-T-3", "hip"): -1.87, ("uk-50-T-3", "mof"): -3.81,
    ("uk-90-T-2", "hip"): -4.02, ("uk-90-T-2", "mof"): -8.05, ("uk-90-T-3", "hip"): -4.79,
    ("uk-90-T-3", "mof"): -8.62,
}
CASES = [(p, k) for p in DATA["profiles"] for k in ("hip", "mof") if p[k] is not None]
_KEY = {"hip": "hip", "mof": "major_osteoporotic"}


def ours(p: dict) -> dict[str, float]:
    pt = Patient(age=p["age"], sex="female", bmi=p["bmi"], prior_fracture=p["prior_fracture"],
                 tscore_femoral_neck=p["tscore"])
    return ten_year_probability(pt, use_bmd=p["tscore"] is not None, country=p["country"])


@pytest.mark.parametrize("profile, outcome", CASES, ids=[f"{p['id']}-{k}" for p, k in CASES])
def test_against_published_frax(profile, outcome):
    assert profile["source"] in DATA["sources"]
    published = profile[outcome]
    diff = ours(profile)[_KEY[outcome]] - published
    tol = max(REL_TOL * published, ABS_TOL)
    known = KNOWN_MISSES.get((profile["id"], outcome))
    if known is None:
        assert abs(diff) <= tol, f"{profile['id']} {outcome}: osteosim - FRAX = {diff:+.2f} points, tolerance {tol:.2f}"
    else:
        assert abs(diff) > tol, f"{profile['id']} {outcome}: now within tolerance ({diff:+.2f}); drop the known miss"
        assert diff == pytest.approx(known, abs=0.05), f"{profile['id']} {outcome}: miss moved to {diff:+.2f}"


def test_known_misses_are_cases():
    assert set(KNOWN_MISSES) <= {(p["id"], k) for p, k in CASES}
