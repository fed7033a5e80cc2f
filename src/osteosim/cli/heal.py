"""``osteosim heal SCENARIO --out DIR``: fracture healing with optional local MSC injection."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from .console import _console
from .errors import _debug, _fail, _user_errors
from .output import _check_out


def heal(
    scenario: str = typer.Argument(..., help="Healing scenario YAML (see examples/healing/)."),
    out: str = typer.Option(..., "--out", "-o", help="Output directory (summary.json, fields.npz, PNGs, callus.gif)."),
    json_out: bool = typer.Option(False, "--json", help="Print the summary JSON to stdout."),
) -> None:
    """Simulate a fracture callus (Bailon-Plaza 2001) and write DIR/summary.json, fields.npz, snapshots and a GIF."""
    from ..healing import HealingScenario, run_healing
    from ..healing.plots import render_outputs
    from ..io_utils import atomic_output_dir, to_jsonable

    with _user_errors():
        out_dir = _check_out(Path(out))
        scen = HealingScenario.from_yaml(scenario)
        try:
            result = run_healing(scen)
        except RuntimeError as exc:  # a solver breakdown: one line, exit 1, nothing written
            if _debug():
                raise
            _fail(str(exc), code=1)
        files = render_outputs(result)
        with atomic_output_dir(out_dir) as tmp:
            for name, data in files.items():
                (tmp / name).write_bytes(data)

    s = result.summary
    if json_out:
        typer.echo(json.dumps(to_jsonable(s), indent=2, allow_nan=False))
        return
    union = s["time_to_union_weeks"]
    line = f"union at {union:.1f} weeks" if union is not None else f"no union by week {scen.weeks:g} ({s['outcome']})"
    fr = s["final_tissue_fractions"]
    _console().print(f"{scen.fracture.condition}, gap {scen.fracture.gap_mm:g} mm: {line}; final callus "
                     f"bone {fr['bone']:.2f}, cartilage {fr['cartilage']:.2f}, soft {fr['soft']:.2f} -> {out_dir}")
