"""docs/model.md must carry the parameter tables the code has (no drift)."""
import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_model_doc_is_current():
    spec = importlib.util.spec_from_file_location("build_model_doc", DOCS / "build_model_doc.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (DOCS / "model.md").read_text() == mod.build(), "run: python docs/build_model_doc.py"
