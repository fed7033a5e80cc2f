"""Terminal output of the commands: rich consoles, spinners only on a terminal, number cells."""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


def _console(stderr: bool = False):
    """A rich console; off a terminal (pipes, files, tests) tables get 140 columns, not rich's 80."""
    from rich.console import Console

    width = None
    if not _is_tty(sys.stderr if stderr else sys.stdout) and not os.environ.get("COLUMNS"):
        width = 140
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:  # pragma: no cover
        return False


@contextlib.contextmanager
def _status(message: str) -> Iterator[None]:
    """A spinner on stderr, only on a terminal (pipes and tests see nothing)."""
    if not _is_tty(sys.stderr):
        yield
        return
    with _console(stderr=True).status(message):
        yield


def _f(v, spec: str, suffix: str = "") -> str:
    if v is None:
        return "–"
    return f"{v:{spec}}{suffix}"
