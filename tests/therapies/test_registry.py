"""The drug registry (therapies/registry.py, drugs/, pk.py, channels.py): entry points, checks, and a drug
added by a separate (test-only) distribution, parsed and simulated without touching osteosim."""
import importlib
import inspect
import re
import sys
import textwrap
import tomllib
from dataclasses import replace
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from osteosim import citations
from osteosim.therapies import THERAPIES, parse_regimen, pkpd, registry
from osteosim.therapies import catalog as cat
from osteosim.therapies.channels import CHANNELS
from osteosim.therapies.pk import AveragedBonePool

ROOT = Path(__file__).resolve().parents[2]
YEAR = 365.25

#: a drug from another package: one module (its Drug, parameters and citation), one entry point
PLUGIN = '''
    """Ibandronate as a plug-in drug of osteosim (a bisphosphonate: the bone-bound pool)."""
    from osteosim import citations
    from osteosim.parameters.base import P, ParameterSet
    from osteosim.therapies.catalog import Therapy
    from osteosim.therapies.drug import Drug
    from osteosim.therapies.pk import AveragedBonePool

    citations.register("BonivaLabel", title="Boniva (ibandronate)", journal="US prescribing information",
                       note="150 mg orally once monthly; oral bioavailability 0.6 %; 40-50 % of the absorbed dose "
                            "binds to bone")

    PARAMETERS = ParameterSet.from_list("Ibandronate", [
        P("iba_F_bone", 0.006 * 0.5, "1", "Boniva label: 0.6 % absorbed, ~50 % of it bound to bone",
          "ibandronate dose fraction bound to bone", ("BonivaLabel",)),
        P("iba_potency", 4.0, "alendronate-eq/mg", "assumption: 2.5 mg/day ibandronate (BONE) and 10 mg/day "
          "alendronate (FIT) give similar spine BMD gains", "ibandronate potency vs alendronate", ("Russell2008",)),
    ])

    DRUG = Drug(
        therapy=Therapy(
            name="ibandronate", drug_class="bisphosphonate", description="oral bisphosphonate, monthly",
            aliases=("ibandronate", "ibandronic acid", "boniva", "iba"), routes=("oral", "iv"),
            dose_units=("mg",), typical_doses={"mg": (2.5, 150.0)},
            schedules=("ibandronate 150 mg monthly for 3 years",),
            references=("Boniva (ibandronate) prescribing information: 150 mg orally once monthly",)),
        prefix="iba",
        pk=AveragedBonePool(fraction=("iba_F_bone", "iba_potency")),
        citation_keys=("BonivaLabel", "Russell2008"),
        parameters=PARAMETERS,
        order=35,
    )
'''


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """Install a test-only distribution 'osteosim-ibandronate' (module + dist-info with an entry point)."""
    (tmp_path / "osteosim_ibandronate.py").write_text(textwrap.dedent(PLUGIN))
    info = tmp_path / "osteosim_ibandronate-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: osteosim-ibandronate\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[osteosim.drugs]\nibandronate = osteosim_ibandronate:DRUG\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    registry.reload()
    assert "ibandronate" in THERAPIES, "the test distribution's entry point was not found"
    yield sys.modules["osteosim_ibandronate"]
    monkeypatch.undo()
    sys.modules.pop("osteosim_ibandronate", None)
    registry.reload()


# -- the built-in drugs ------------------------------------------------------------------------
def test_entry_points_list_every_builtin_drug_module():
    """pyproject's entry points and the modules of therapies/drugs (+ msc.py) are the same drugs."""
    eps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"][registry.GROUP]
    assert len(eps) == len(registry.drugs())
    for value in eps.values():
        module, attr = value.split(":")
        assert attr == "DRUG"
        drug = importlib.import_module(module).DRUG
        assert registry.get(drug.name) is drug
    files = {p.stem for p in (ROOT / "src/osteosim/therapies/drugs").glob("*.py")} - {"__init__"}
    assert {v.split(":")[0].rsplit(".", 1)[1] for v in eps.values()} == files | {"msc"}


def test_catalogue_is_the_registry_in_order():
    assert list(THERAPIES) == ["alendronate", "risedronate", "zoledronic acid", "denosumab", "teriparatide",
                               "abaloparatide", "romosozumab", "estrogen", "raloxifene", "calcium", "vitamin d", "msc"]
    assert dict(pkpd.PREFIX) == {"alendronate": "aln", "risedronate": "ris", "zoledronic acid": "zol",
                                 "denosumab": "den", "teriparatide": "teri", "abaloparatide": "abalo",
                                 "romosozumab": "romo", "estrogen": "est", "raloxifene": "ralox", "calcium": "ca", "vitamin d": "vitd",
                                 "msc": "msc"}
    assert THERAPIES["zoledronic acid"].infusion_minutes == 15.0
    assert all(t.infusion_minutes == 0.0 for n, t in THERAPIES.items() if n != "zoledronic acid")


def test_every_drug_declares_pk_channels_and_registered_citations():
    keys = {c.key for c in citations.all_citations()}
    filled = set()
    for d in registry.drugs():
        assert d.channels and set(d.channels) <= set(CHANNELS)
        assert set(d.citation_keys) <= keys
        filled |= set(d.channels)
    assert filled | {"pth_increment"} == set(CHANNELS)  # every channel is driven by a drug (or derived)


def test_regimen_citation_keys_are_the_drugs_keys():
    reg = parse_regimen(["denosumab 60 mg every 6 months for 3 years", "alendronate 70 mg weekly for 1 year",
                         "denosumab 60 mg once at 4 years"])
    assert reg.citation_keys() == ["ProliaLabel", "Peterson2004", "MartinezReina2019", "McDonald2021",
                                   "FosamaxLabel", "Russell2008"]
    assert parse_regimen([]).citation_keys() == []


GRAMMAR = ("words", "formatting", "prescription", "grammar", "parse_text", "parse_mapping", "regimen")


@pytest.mark.parametrize("module", GRAMMAR)
def test_the_regimen_grammar_names_no_drug(module):
    """Every therapy word comes from the catalogue: the language's modules (code and comments; the
    regimen docstring's examples aside) name no drug."""
    mod = importlib.import_module(f"osteosim.therapies.{module}")
    text = inspect.getsource(mod).replace(mod.__doc__ or "", "").lower()
    for name, t in THERAPIES.items():
        if t.is_msc:  # cell products have their own clause (source, donor, site), chosen by drug class
            continue
        words = [name] + [a for a in t.aliases if len(a) >= 5]
        for w in words:
            assert not re.search(rf"\b{re.escape(w)}\b", text), (module, w)


# -- checks at registration --------------------------------------------------------------------
def _variant(**changes):
    base = registry.get("alendronate")
    therapy = replace(base.therapy, name="testronate", aliases=("testronate",))
    changes.setdefault("prefix", "tst")
    return replace(base, therapy=replace(therapy, **changes.pop("therapy", {})), **changes)


@pytest.mark.parametrize("changes, message", [
    ({"therapy": {"aliases": ("testronate", "fosamax")}}, "alias 'fosamax' already names 'alendronate'"),
    ({"prefix": "aln"}, "prefix 'aln' is already the dose table of 'alendronate'"),
    ({"prefix": "T-1"}, "prefix 'T-1' is not allowed"),
    ({"therapy": {"drug_class": "statin"}}, "drug_class 'statin' is not allowed"),
    ({"pk": AveragedBonePool(fraction=("tst_F_bone",))}, "PK parameter 'tst_F_bone' is in no parameter set"),
    ({"pk": AveragedBonePool(fraction=("aln_F_bone",), channel="glp1")}, "exposure channel 'glp1' is not allowed"),
    ({"pk": registry.get("denosumab").pk}, "the model has one 'den_central' state, used by 'denosumab'"),
    ({"citation_keys": ("Nobody2099",)}, "citation key 'Nobody2099' is not registered"),
])
def test_register_checks_name_the_field(changes, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        registry.register(_variant(**changes))
    assert "testronate" not in THERAPIES


def test_register_and_unregister_at_run_time():
    drug = registry.register(_variant())
    try:
        assert list(THERAPIES)[1] == "testronate"  # order 10, after 'alendronate' by name
        p = parse_regimen(["testronate 70 mg weekly for 1 year"])[0]
        assert p.therapy == "testronate" and cat.get_therapy("TESTRONATE") is drug.therapy
        tables = pkpd.regimen_tables(parse_regimen(["testronate 70 mg weekly for 1 year"]), 0.0, 2 * YEAR)
        assert tables["tst_count"][0] == 53 and tables["aln_count"][0] == 0
    finally:
        registry.unregister("testronate")
    assert "testronate" not in THERAPIES and "tst_start" not in pkpd.empty_tables()


# -- a drug from a separate distribution --------------------------------------------------------
def test_plugin_distribution_adds_a_drug(plugin):
    assert list(THERAPIES)[:4] == ["alendronate", "risedronate", "zoledronic acid", "ibandronate"]
    assert cat.resolve_therapy("Boniva") == "ibandronate"
    reg = parse_regimen(["ibandronate 150 mg monthly for 3 years"])
    assert str(reg[0]) == "ibandronate 150 mg monthly for 3 years" and reg[0].drug_class == "bisphosphonate"
    assert reg.citation_keys() == ["BonivaLabel", "Russell2008"]
    assert pkpd.drug_parameters()["iba_potency"].value == 4.0
    with pytest.raises(ValueError, match=r"outside the plausible range 0\.25\.\.1500 mg for ibandronate"):
        parse_regimen(["ibandronate 2000 mg monthly"])


def test_plugin_drug_exposure_is_its_kind_closed_form(plugin):
    """Ibandronate fills the bisphosphonate pool exactly as alendronate at the same dose, scaled by its
    bound fraction x potency (the same PK kind, different parameters)."""
    from osteosim.models import Osteosim

    p = Osteosim().default_parameters().merged(plugin.PARAMETERS).values_dict()
    days = jnp.asarray([30.0, YEAR, 3 * YEAR, 5 * YEAR])

    def pool(text):
        d = {k: jnp.asarray(v) for k, v in pkpd.regimen_tables(parse_regimen([text]), 0.0, 6 * YEAR).items()}
        return np.asarray(jax.vmap(lambda t: pkpd.exposures(t, d, p, 0.0)["bp_bound"])(days))

    iba = pool("ibandronate 150 mg monthly for 3 years")
    aln = pool("alendronate 150 mg monthly for 3 years")
    scale = p["iba_F_bone"] * p["iba_potency"] / p["aln_F_bone"]
    np.testing.assert_allclose(iba, aln * scale, rtol=1e-12)
    assert iba[2] > iba[1] > iba[0] > 0 and iba[3] < iba[2]


def test_plugin_drug_simulates(plugin):
    """The plug-in drug runs through the unchanged model: spine BMD above no treatment, below nothing odd."""
    from osteosim.models import Osteosim
    from osteosim.outcomes.patient_run import relative_bmd, simulate_regimens
    from osteosim.physiology.patient import Patient

    model = Osteosim()
    params = model.default_parameters().merged(plugin.PARAMETERS).values_dict()
    patient = Patient(age=65, tscore_lumbar_spine=-2.7)
    ages = patient.age + np.arange(0, 25) / 12.0
    rows = [(patient, [], {}), (patient, ["ibandronate 150 mg monthly for 2 years"], {})]
    sol = simulate_regimens(model, params, rows, ages)
    assert sol.ok.all()
    none, iba = (100.0 * relative_bmd(model, sol.ys[i], "lumbar_spine") for i in range(2))
    assert iba[-1] - none[-1] > 1.0  # percentage points of peak after 2 years
