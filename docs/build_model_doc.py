"""Regenerate docs/model.md: the hand-written text plus parameter and output-column tables generated from the code.

Numbers that a fit derives are not typed into docs/model_text.md (they went stale at every refit): the text writes
a placeholder that is filled here from what the code ships:

* ``{{param:NAME:FMT}}``: a parameter of the Osteosim set (which reads the stored fits);
* ``{{fit:FILE:KEY.KEY...:FMT}}``: a value of ``osteosim/data/FILE.json`` (a fit's report);
* ``{{b_eff:SITE:FMT}}``: the site's strength-BMD exponent (``outcomes.strength.strength_bmd_exponent``).

FMT is a Python format spec (``.2f``); tests/test_docs.py fails when model.md is not what this writes.
"""
import json
import re
from importlib import resources
from pathlib import Path

from osteosim.models import MODEL_REGISTRY
from osteosim.outcomes.columns import markdown_table
from osteosim.parameters.msc2026 import MSC2026
from osteosim.parameters.strength_hazard2026 import STRENGTH_HAZARD2026

HERE = Path(__file__).resolve().parent


PLACEHOLDER = re.compile(r"\{\{(param|fit|b_eff):([^}]+)\}\}")


def _fill(text: str) -> str:
    from osteosim.outcomes.strength import strength_bmd_exponent

    params = MODEL_REGISTRY["Osteosim"]().default_parameters().values_dict()

    def value(match: re.Match) -> str:
        kind, args = match.group(1), match.group(2).split(":")
        if kind == "param":
            name, fmt = args
            x = params[name]
        elif kind == "b_eff":
            site, fmt = args
            x = strength_bmd_exponent(params, site)
        else:
            name, path, fmt = args
            x = json.loads(resources.files("osteosim").joinpath(f"data/{name}.json").read_text())
            for key in path.split("."):
                x = x[key]
        return format(x, fmt)

    return PLACEHOLDER.sub(value, text)


def build() -> str:
    text = _fill((HERE / "model_text.md").read_text())
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
