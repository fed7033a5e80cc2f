"""Regenerate docs/model.md: the hand-written text plus parameter and output-column tables generated from the code."""
from pathlib import Path

from osteosim.models import MODEL_REGISTRY
from osteosim.outcomes.columns import markdown_table
from osteosim.parameters.msc2026 import MSC2026
from osteosim.parameters.strength_hazard2026 import STRENGTH_HAZARD2026

HERE = Path(__file__).resolve().parent


def build() -> str:
    text = (HERE / "model_text.md").read_text()
    tables = ["\n## 10. Parameter tables (generated)\n"]
    for name in ("Osteosim", "Pivonka2008", "Lemaire2004", "Komarova2003"):
        if name in MODEL_REGISTRY:
            tables.append(MODEL_REGISTRY[name]().default_parameters().to_markdown())
    tables.append(STRENGTH_HAZARD2026.to_markdown())  # the fracture model's load-over-strength option (7d)
    tables.append(MSC2026.priors_markdown())  # the evidence behind the MSC parameters (7c; msc-evidence.md)
    columns = ["\n## 11. Output columns (generated)\n",
               "Every column osteosim writes, declared once in `osteosim/outcomes/columns.py` "
               "(also served by the web API at `GET /api/columns`). A pattern's field repeats over the "
               "values listed; models of the zoo without their own declarations add one column per state "
               "and output.",
               markdown_table()]
    return text + "\n".join(tables) + "\n".join(columns)


if __name__ == "__main__":
    (HERE / "model.md").write_text(build())
