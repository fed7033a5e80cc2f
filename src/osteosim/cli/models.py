"""``osteosim models``: the model zoo."""
from __future__ import annotations

from .console import _console


def models() -> None:
    """List the model zoo."""
    from rich.markup import escape
    from rich.table import Table

    from ..models.base import MODEL_REGISTRY

    t = Table(title="osteosim model zoo")
    t.add_column("name", no_wrap=True)
    t.add_column("kind")
    t.add_column("description")
    t.add_column("states")
    for name, cls in sorted(MODEL_REGISTRY.items()):
        try:
            inst = cls()
            states = tuple(inst.state_names)
            kind = "patient" if getattr(inst, "uses_patient", False) else "classic"
        except Exception:  # a model that cannot build without arguments still gets listed
            states = tuple(getattr(cls, "state_names", ()))
            kind = "patient" if getattr(cls, "uses_patient", False) else "classic"
        shown = ", ".join(states[:12]) + (f", … ({len(states)} in all)" if len(states) > 12 else "")
        t.add_row(escape(name), kind, escape(getattr(cls, "description", "") or ""), escape(shown))
    _console().print(t)
