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
        states = tuple(cls().state_names)  # the contract: zoo models build without arguments
        kind = "patient" if cls.uses_patient else "classic"
        shown = ", ".join(states[:12]) + (f", … ({len(states)} in all)" if len(states) > 12 else "")
        t.add_row(escape(name), kind, escape(cls.description), escape(shown))
    _console().print(t)
