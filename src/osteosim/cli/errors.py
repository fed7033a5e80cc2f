"""User errors on the command line: exit code 2 and exactly one line on stderr.

Errors a user can make (bad scenario, unknown model, missing file, bad option)
end the command with exit code 2 and one line (``error: <field>: <value> ...
<allowed>``), never a traceback.  Set ``OSTEOSIM_DEBUG=1`` to get the traceback
instead.  A solver breakdown is one line and exit code 1.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any, NoReturn

import typer
import yaml
from pydantic import ValidationError

EXIT_USER_ERROR = 2


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def _fail(message: str, code: int = EXIT_USER_ERROR) -> NoReturn:
    typer.echo(f"error: {_one_line(message)}", err=True)
    raise typer.Exit(code)


def _debug() -> bool:
    return os.environ.get("OSTEOSIM_DEBUG", "").strip() not in ("", "0", "false", "no")


def user_error_message(exc: BaseException) -> str | None:
    """One-line message for a known user error, or None for anything else (a bug)."""
    from ..scenario import format_validation_error

    if isinstance(exc, ValidationError):
        return format_validation_error(exc)
    if isinstance(exc, yaml.YAMLError):
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        return f"invalid YAML{where}: {getattr(exc, 'problem', None) or exc}"
    if isinstance(exc, FileNotFoundError):
        name = exc.filename or (exc.args[0] if exc.args else "")
        return f"file not found: {name}" if exc.filename else str(exc)
    if isinstance(exc, OSError):
        if exc.filename:
            return f"{exc.filename}: {exc.strerror or exc}"
        return str(exc)
    if isinstance(exc, ValueError):
        return str(exc)
    return None


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Turn known user errors into exit code 2 and one line on stderr."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except (ValueError, yaml.YAMLError, OSError) as exc:
        if _debug():
            raise
        msg = user_error_message(exc)
        if msg is None:  # pragma: no cover - all three classes give a message
            raise
        _fail(msg)


def _solve(sim, label: str = "", run=None):
    """Solve (or ``run(sim)``); a solver breakdown (RuntimeError) is one line and exit code 1, not a traceback."""
    try:
        return run(sim) if run is not None else sim.solve()
    except RuntimeError as exc:
        if _debug():
            raise
        _fail(f"{label + ': ' if label else ''}{exc}", code=1)
