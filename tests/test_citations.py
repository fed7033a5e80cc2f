"""Citations are data; a run returns the ones it used (no shared "used" state)."""
import json

import pytest

import osteosim as osi
from osteosim import citations
from osteosim.outcomes import densitometry, fracture
from osteosim.parameters.komarova2003 import KOMAROVA2003


def test_every_registered_reference_is_full():
    import osteosim.parameters.bailon_plaza2001  # noqa: F401  (registers the healing references)
    import osteosim.parameters.fracture2026  # noqa: F401
    import osteosim.parameters.strength_hazard2026  # noqa: F401

    for c in citations.all_citations():
        assert c.title, c.key
        assert c.authors or c.journal or c.url or c.pmcid, c.key  # who or where: never a bare title
        assert c.key not in c.reference or c.key.startswith(("BIOMD", "NCT", "osteosim"))
        assert "\n" not in c.reference


def test_reference_format_and_dict():
    c = citations.get("Lemaire2004")
    assert c.year == 2004 and c.journal == "J Theor Biol" and c.authors.startswith("Lemaire V")
    assert c.reference.endswith("J Theor Biol 2004;229(3):293-309.")
    d = c.to_dict()
    assert d["key"] == "Lemaire2004" and d["reference"] == c.reference and "doi" not in d
    assert "doi:10.1006/jtbi.2001.2372" in citations.get("BailonPlaza2001").reference


def test_register_is_idempotent_and_rejects_changes():
    c = citations.get("Kanis2008")
    fields = {k: v for k, v in c.to_dict().items() if k not in ("key", "reference")}
    assert citations.register("Kanis2008", **fields) == c
    with pytest.raises(ValueError, match="Kanis2008"):
        citations.register("Kanis2008", **dict(fields, year=2009))


def test_resolve_orders_and_dedupes_and_rejects_unknown_keys():
    assert [c.key for c in citations.resolve(["Kanis2008", "osteosim", "Kanis2008"])] == ["Kanis2008", "osteosim"]
    with pytest.raises(KeyError, match="Nobody1900"):
        citations.resolve(["Nobody1900"])
    assert not hasattr(citations, "cite") and not hasattr(citations, "used")  # no global "used" state


def test_parameter_set_knows_its_sources():
    assert KOMAROVA2003.cited_keys() == ("Komarova2003", "BIOMD0000000148")
    assert set(fracture.CITATION_KEYS) >= {"Johnell2005", "Marshall1996", "Johansson2017"}
    assert set(densitometry.CITATION_KEYS) == {"Looker1998", "Kanis2008", "Kanis1994"}


def test_a_run_returns_only_what_it_used_even_after_other_runs(capsys):
    other = osi.Simulation(model="Pivonka2008", years=0.1).solve()
    assert "Pivonka2008" in {c.key for c in other.citations}
    res = osi.Simulation(model="Komarova2003", years=0.1).solve()
    assert [c.key for c in res.citations] == ["osteosim", "Komarova2003", "BIOMD0000000148"]
    assert res.summary["citations"][1]["reference"] == citations.get("Komarova2003").reference
    json.dumps(res.summary["citations"])  # JSON-ready
    osi.print_citations(res)
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("[Komarova2003] Komarova SV, Smith RJ") and "Bone 2003;33(2):206-215." in out[1]
    assert len(out) == 3
