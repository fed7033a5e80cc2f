"""Every column a run produces is declared once (outcomes/columns.py), and every declared family is produced."""
import sys
from pathlib import Path

import pytest

from osteosim.outcomes import columns as C
from osteosim.physiology.sites import SITES
from osteosim.simulation import Simulation

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "trials"))
from trial_helpers import BLOCK, tiny  # noqa: E402

PATIENT = dict(sex="female", age=68, menopause_age=51, tscore_lumbar_spine=-2.7)


@pytest.fixture(scope="module")
def osteosim_run():
    # an MSC regimen: the run also carries the graft outputs
    return Simulation(patient=PATIENT, years=1, saves_per_year=12,
                      regimen=["msc bone-marrow allogeneic 1e6 cells/kg iv once"]).solve()


@pytest.fixture(scope="module")
def ensemble_run():
    from osteosim.outcomes.ensemble import run_ensemble

    return run_ensemble(Simulation(patient=PATIENT, years=1, saves_per_year=12), 2, seed=3)


@pytest.fixture(scope="module")
def trial_chunk():
    from osteosim.trials import TrialSpec
    from osteosim.trials.runner import simulate_chunk

    spec = TrialSpec.from_mapping(tiny())
    return simulate_chunk(spec.model_dump(mode="json"), spec.seed, 0, BLOCK, BLOCK)


def test_osteosim_columns_are_declared_one_by_one(osteosim_run):
    df = osteosim_run.timeseries
    undeclared = [c for c in df.columns if C.lookup(c) is None]
    assert not undeclared, f"declare these in outcomes/columns.py: {undeclared}"
    # the model's states are declared by the state families (not by the zoo's generic MODEL_STATE)
    assert {C.lookup(s).column for s in osteosim_run.model.state_names} == set(C.OSTEOSIM_STATES)
    assert set(osteosim_run.model.state_names) <= set(df.columns)
    assert list(df.columns[:2]) == ["t_years", "age"]


def test_every_timeseries_family_is_produced(osteosim_run, ensemble_run):
    produced = set(osteosim_run.timeseries.columns) | set(ensemble_run.timeseries.columns)
    zoo = Simulation(model="Komarova2003", years=0.5).solve()
    produced |= set(zoo.timeseries.columns)
    for col in C.TIMESERIES:
        assert set(col.names()) <= produced, f"declared but never produced: {col.pattern}"
    for c in C.band_names():
        assert {C.band_name(c, q) for q in C.BAND_QUANTILES} <= produced


def test_ensemble_bands_are_the_declared_ones(ensemble_run):
    from osteosim.outcomes.ensemble import band_columns

    assert tuple(band_columns()) == C.band_names()
    df = ensemble_run.timeseries
    assert all(C.lookup(c) is not None for c in df.columns)
    r = C.lookup("tscore_total_hip_p95")
    assert (r.column, r.base, r.key, r.quantile) == (C.BAND, "tscore_total_hip", "total_hip", "p95")
    assert C.base_name("bmd_lumbar_spine_p05") == "bmd_lumbar_spine" and C.base_name("ctx") == "ctx"


def test_zoo_model_columns_are_its_states_and_outputs():
    res = Simulation(model="Komarova2003", years=0.5).solve()
    m = res.model
    outputs = [c for c in res.timeseries.columns if c not in m.state_names and C.lookup(c) is None]
    decl = C.model_columns(m, outputs)
    for c in res.timeseries.columns:
        hit = C.lookup(c) or decl.get(c)
        assert hit is not None, c
    assert {decl[s].column for s in m.state_names} == {C.MODEL_STATE}
    assert C.resolve("B", model=m).column is C.MODEL_STATE
    assert outputs == ["bone_mass_percent"] and decl["bone_mass_percent"].column is C.MODEL_OUTPUT


def test_trial_tables_match_the_declarations(trial_chunk):
    for table in ("visits", "events"):
        df = trial_chunk[table]
        declared = [n for col in (C.VISITS if table == "visits" else C.EVENTS) for n in col.names()]
        assert sorted(df.columns) == sorted(declared), table
        assert all(C.lookup(c, table) is not None for c in df.columns)


def test_names_and_errors():
    assert C.BMD.names() == tuple(f"bmd_{s}" for s in SITES)
    assert C.BMD.name("total_hip") == "bmd_total_hip"
    assert C.lookup("bmd_total_hip").key == "total_hip"
    assert C.lookup("hip_fractures", "visits").key == "hip"
    with pytest.raises(ValueError, match="site: 'wrist' is not allowed"):
        C.BMD.name("wrist")
    with pytest.raises(ValueError, match="needs a site"):
        C.BMD.name()
    with pytest.raises(ValueError, match="table"):
        C.lookup("x", "nope")
    assert C.ordered(["bmd_total_hip", "age", "ctx", "t_years"]) == ["t_years", "age", "bmd_total_hip", "ctx"]


def test_catalog_is_plain_data():
    import json

    cat = C.catalog()
    json.dumps(cat)
    assert cat["axes"]["site"] == list(SITES)
    assert {c["pattern"] for c in cat["tables"]["visits"]} >= {"bmd_{site}", "{kind}_fractures", "alive"}
    assert "bmd_{site}" in C.markdown_table()


def test_osteosim_states_follow_the_model():
    """The state columns are named from the model's state list, in its order."""
    from osteosim.models import Osteosim

    names = [n for col in C.OSTEOSIM_STATES for n in col.names()]
    assert sorted(names) == sorted(Osteosim.state_names)
    assert all(C.lookup(n).column.source == "Osteosim state" for n in Osteosim.state_names)
