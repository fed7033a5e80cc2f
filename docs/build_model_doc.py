"""Regenerate docs/model.md: the hand-written text plus parameter tables generated from the code."""
from pathlib import Path

from osteosim.models import MODEL_REGISTRY

HERE = Path(__file__).resolve().parent


def build() -> str:
    text = (HERE / "model_text.md").read_text()
    tables = ["\n## 10. Parameter tables (generated)\n"]
    for name in ("Osteosim", "Pivonka2008", "Lemaire2004", "Komarova2003"):
        if name in MODEL_REGISTRY:
            tables.append(MODEL_REGISTRY[name]().default_parameters().to_markdown())
    return text + "\n".join(tables)


if __name__ == "__main__":
    (HERE / "model.md").write_text(build())
