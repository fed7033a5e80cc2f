"""docs/model.md must carry the parameter tables the code has (no drift)."""
import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_model_doc_is_current():
    spec = importlib.util.spec_from_file_location("build_model_doc", DOCS / "build_model_doc.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (DOCS / "model.md").read_text() == mod.build(), "run: python docs/build_model_doc.py"


def test_fit_numbers_in_model_doc_come_from_the_stored_fits():
    """docs/model_text.md's placeholders are all filled from what the code ships (none left in model.md), e.g. the
    perforation gain from the Osteosim parameter set."""
    spec = importlib.util.spec_from_file_location("build_model_doc", DOCS / "build_model_doc.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from osteosim.models.osteosim import Osteosim

    text = (DOCS / "model.md").read_text()
    assert "{{" not in text
    assert "{{param:perforation_gain:.2f}}" in (DOCS / "model_text.md").read_text()
    gain = Osteosim().default_parameters().values_dict()["perforation_gain"]
    assert f"Fit: {gain:.2f} perforations" in text
    assert mod._fill("{{b_eff:distal_radius:.3f}}") != mod._fill("{{b_eff:lumbar_spine:.3f}}")
