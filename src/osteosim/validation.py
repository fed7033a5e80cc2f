"""Input-boundary helpers shared by every file and request osteosim reads.

Scenario, trial and healing files and web request bodies are pydantic models with
``extra="forbid"``; :func:`format_validation_error` turns any pydantic
``ValidationError`` into the one line the CLI prints (exit code 2) and the web
returns (422): the field by its dotted path (``patient.age``, ``regimen[0]``), the
value and what is allowed, and for an unknown key the closest allowed one
("did you mean 'years'?").  :func:`parse_yaml` reads YAML strictly (safe loader,
duplicate keys rejected).
"""
from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable, Sequence
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

__all__ = ["InputError", "format_validation_error", "unknown_key_message", "parse_yaml", "one_line", "short"]


class InputError(ValueError):
    """Input that cannot be used; ``str(err)`` is one line naming the field, the value and what is allowed."""


def one_line(text: Any) -> str:
    return " ".join(str(text).split())


def short(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters."""
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def unknown_key_message(key: Any, allowed: Sequence[str], where: str = "") -> str:
    """``"<where>: unknown key 'yeras'; did you mean 'years'?"`` (or the allowed list when nothing is close)."""
    prefix = f"{where}: " if where else ""
    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
    if not close:  # case-insensitive second try ("Age" -> "age")
        lowered = {a.lower(): a for a in allowed}
        close = [lowered[str(key).lower()]] if str(key).lower() in lowered else []
    if close:
        return f"{prefix}unknown key {key!r}; did you mean {close[0]!r}?"
    return f"{prefix}unknown key {key!r}; allowed: {', '.join(allowed)}"


# ----------------------------------------------------------------------------
# pydantic errors -> one line
def _path(loc: Iterable[Any]) -> str:
    """``("regimen", 0)`` -> ``regimen[0]``; ``("patient", "age")`` -> ``patient.age``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_in(tp: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (``Patient | None``, ``list[Arm]``, ...), if any."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in typing.get_args(tp):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _allowed_keys(model: type[BaseModel] | None, loc: Sequence[Any]) -> list[str] | None:
    """The keys allowed at ``loc`` (the location of a mapping) inside ``model``, when that is a pydantic model."""
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        by_key = {f.alias or name: f for name, f in model.model_fields.items()}
        if part not in by_key:
            return None
        model = _model_in(by_key[part].annotation)
    return _keys(model) if model is not None else None


#: pydantic error types whose message we replace with a plainer "what is allowed"
_ALLOWED = {"dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
            "list_type": "a list"}


def _line(e: dict[str, Any], where: str, model: type[BaseModel] | None) -> str:
    loc = [x for x in (e.get("loc") or ()) if x not in ("body", "query", "path")] if where == "body" else \
        list(e.get("loc") or ())
    prefix = "" if where == "body" else where
    path = ".".join(x for x in (prefix, _path(loc)) if x)
    whole = where or "value"  # what an error at the top level is about
    kind = e.get("type")
    msg = str(e.get("msg", ""))
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        parent = ".".join(x for x in (prefix, _path(loc[:-1])) if x)
        if allowed is not None:
            return unknown_key_message(loc[-1], allowed, parent)
        return f"{parent + ': ' if parent else ''}unknown key {loc[-1]!r}"
    if kind == "missing":
        return f"{path or whole}: required field is missing"
    if kind == "json_invalid":
        return f"body: not valid JSON (error near character {loc[-1] if loc else '?'})"
    if kind == "value_error":
        # our validators already say "value ... allowed" (or "field: value ... allowed" for a sub-field)
        msg = msg.removeprefix("Value error, ")
        first = msg.split(" ", 1)[0]
        if not path or (first.endswith(":") and first.startswith(path)):
            return msg
        return f"{path}.{msg}" if first.endswith(":") else f"{path}: {msg}"
    allowed = _ALLOWED.get(kind) or (msg[0].lower() + msg[1:] if msg else "invalid")
    return f"{path or whole}: {short(e.get('input'))} is not allowed ({allowed})"


def format_validation_error(exc: ValidationError | Sequence[dict[str, Any]], where: str = "",
                            model: type[BaseModel] | None = None) -> str:
    """One line for a pydantic ``ValidationError`` (or its ``.errors()`` list): path, value and what is allowed.

    ``where`` prefixes the path (``"patient"`` gives ``patient.age``; ``"body"`` strips FastAPI's
    ``body``/``query`` locations).  ``model`` is the validated model class, so an unknown key gets
    the closest allowed key of its mapping.  Unknown keys are reported first; when there are several
    errors the count of the others is appended.
    """
    errors = list(exc.errors(include_url=False) if isinstance(exc, ValidationError) else exc)
    if not errors:  # pragma: no cover - pydantic always gives one
        return one_line(f"{where}: {exc}" if where else str(exc))
    errors.sort(key=lambda e: e.get("type") != "extra_forbidden")  # stable: unknown keys first
    line = _line(errors[0], where, model)
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
    return one_line(line)


# ----------------------------------------------------------------------------
# YAML
class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    out: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"unhashable key {key!r}", key_node.start_mark
            ) from None
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def yaml_error_line(exc: yaml.YAMLError, source: str = "") -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return one_line(f"{source + ': ' if source else ''}invalid YAML{where}: {problem}")


def parse_yaml(text: str, source: str = "scenario", error: type[ValueError] = InputError) -> Any:
    """Parse YAML text strictly (safe loader, duplicate keys rejected); errors become ``error`` (one line)."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - _StrictLoader is a SafeLoader
    except yaml.YAMLError as exc:
        raise error(yaml_error_line(exc, source)) from None
