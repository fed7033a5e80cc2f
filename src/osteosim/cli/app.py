"""The ``osteosim`` command line (typer + rich): the app, its commands in order, and the entry point.

Each command lives in its own module (``cli/<command>.py``) as a plain function;
this module registers them on ``app`` (so no command module imports this one).
Shared pieces: ``errors.py`` (one-line user errors, exit codes: ``user_error_message``,
``_user_errors``, ``_fail``, ``_solve``), ``console.py`` (rich output) and
``output.py`` (``--out`` checks, ``_ordered_timeseries``, the files of a run).

Errors a user can make (bad scenario, unknown model, missing file, bad option)
end the command with exit code 2 and exactly one line on stderr
(``error: <field>: <value> ... <allowed>``), never a traceback, and leave no
output behind: outputs are built in a temporary sibling of ``--out`` and
renamed into place only when complete.  Set ``OSTEOSIM_DEBUG=1`` to get the
traceback instead.
"""
from __future__ import annotations

import atexit
import gc
import sys

import typer
import yaml

from .bench import bench
from .calibrate import calibrate
from .citations import citations
from .demo import demo
from .errors import EXIT_USER_ERROR, _debug, _one_line, user_error_message
from .export_sbml import export_sbml_cmd
from .heal import heal
from .models import models
from .msc_explore import msc_explore
from .params import params
from .sensitivity import sensitivity
from .serve import serve
from .simulate import simulate
from .study import study
from .therapies import therapies
from .trial import risk, trial
from .validate import validate

__all__ = ["app", "main"]

app = typer.Typer(
    name="osteosim",
    help="osteosim: bone remodeling, lifetime physiology, therapies and virtual trials in silico.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"osteosim {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """osteosim: bone remodeling, lifetime physiology, therapies and virtual trials in silico."""


# ----------------------------------------------------------------------------
# the commands, in the order ``osteosim --help`` lists them: (name, function)

COMMANDS = (
    ("simulate", simulate),
    ("models", models),
    ("params", params),
    ("citations", citations),
    ("demo", demo),
    ("export-sbml", export_sbml_cmd),
    ("validate", validate),
    ("calibrate", calibrate),
    ("bench", bench),
    ("therapies", therapies),
    ("serve", serve),
    ("heal", heal),
    ("msc-explore", msc_explore),
    ("trial", trial),
    ("risk", risk),
    ("sensitivity", sensitivity),
    ("study", study),
)

for _name, _command in COMMANDS:
    app.command(_name)(_command)


# ----------------------------------------------------------------------------
# entry point


def _own_process_gc() -> None:
    """Garbage collection for a process that is this command (not a caller's: tests call ``main(argv)``).

    The objects made by the imports (jax, pandas, matplotlib: ~10^6) live until the end, so they
    are moved out of the collector's sight (``gc.freeze``) once now, and again at exit, where
    Python's final collections otherwise walked everything: 0.5 s of a warm ``osteosim simulate``
    (its teardown 0.7 s -> 0.2 s).  Python never promised finalizers of objects alive at exit.
    """
    gc.freeze()
    atexit.register(gc.freeze)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: usage and user errors become exit 2 and one line on stderr."""
    if argv is None:
        _own_process_gc()
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        rc = app(args=args, prog_name="osteosim", standalone_mode=False)
    except typer.TyperException as exc:  # click usage errors (missing option, bad value, unknown command)
        if type(exc).__name__ == "NoArgsIsHelpError":  # help was printed
            sys.exit(0)
        msg = _one_line(exc.format_message())
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        sys.stderr.write(f"error: {msg}{hint}\n")
        sys.exit(getattr(exc, "exit_code", EXIT_USER_ERROR) or EXIT_USER_ERROR)
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)
    except (ValueError, yaml.YAMLError, OSError) as exc:
        if _debug():
            raise
        sys.stderr.write(f"error: {_one_line(user_error_message(exc))}\n")
        sys.exit(EXIT_USER_ERROR)
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
