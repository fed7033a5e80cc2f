"""MSC2026: every uncertain parameter has a prior with a source; values sit inside their priors."""
import pytest

from osteosim import citations
from osteosim.parameters.msc2026 import MSC2026
from osteosim.parameters.priors import Prior

UNCERTAIN = [p for p in MSC2026.values() if not p.name.startswith("msc_switch_")]


def test_every_parameter_but_the_switches_has_a_sourced_prior():
    assert len(UNCERTAIN) >= 30
    for p in UNCERTAIN:
        assert isinstance(p.prior, Prior), p.name
        assert p.prior.source.strip(), p.name
        assert p.bounds == p.prior.support, p.name
        assert p.prior.contains(p.value), (p.name, p.value, str(p.prior))
    for p in MSC2026.values():
        if p.name.startswith("msc_switch_"):
            assert p.prior is None and p.bounds is None


def test_assumption_priors_say_so_and_evidence_priors_name_it():
    for p in UNCERTAIN:
        s = p.prior.source.lower()
        assert "assumption" in s or any(ch.isdigit() for ch in s), (p.name, s)  # a year, table or section


@pytest.mark.parametrize("name, value", [
    ("msc_marrow_homing", 5e-4),          # Lee 2009 / Eggenhofer 2012: <= 0.05 % per tissue (was 0.005)
    ("msc_survival_halflife", 1.0),       # lung: Lee 2009
    ("msc_marrow_survival_halflife", 3.0),  # marrow/local: rabbit 4-week data (new)
    ("msc_adipo_cord", 0.38),             # cord tissue, not cord blood (was 0)
    ("msc_op_potency_loss_adipose", 0.1),  # Zheng 2018 (new; bone marrow keeps 0.5)
])
def test_values_corrected_from_the_evidence(name, value):
    assert MSC2026.value(name) == pytest.approx(value)


def test_cited_keys_are_registered():
    known = {c.key for c in citations.all_citations()}
    assert set(MSC2026.cited_keys()) <= known
    assert citations.get("Li2016").year == 2016


def test_priors_markdown_lists_each_prior():
    md = MSC2026.priors_markdown()
    assert md.count("\n| `msc_") == len(UNCERTAIN)
    assert "LogUniform(5e-05, 0.005)" in md and "msc_switch" not in md
