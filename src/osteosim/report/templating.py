"""The jinja2 environment of osteosim's HTML reports (templates in ``report/templates/``).

Autoescaping is on for every template, so text from scenario files, trial names or
regimen strings can never inject markup; the filters format numbers the way every
report table does ("–" for a missing value).
"""
from __future__ import annotations

import functools
import math
from typing import Any

import jinja2

from ..physiology.who import who_category

__all__ = ["render", "fmt", "ci"]


def _missing(v: Any) -> bool:
    return v is None or isinstance(v, jinja2.Undefined) or (isinstance(v, float) and not math.isfinite(v))


def fmt(v: Any, spec: str = ".2f", suffix: str = "") -> str:
    """``v`` formatted with ``spec`` plus ``suffix``; "–" when missing or not finite."""
    return "–" if _missing(v) else f"{v:{spec}}{suffix}"


def ci(interval: Any, spec: str = ".2f") -> str:
    """``"lo to hi"`` of a confidence interval; "–" when missing."""
    if not interval or _missing(interval[0]):
        return "–"
    return f"{interval[0]:{spec}} to {interval[1]:{spec}}"


def _percent(v: Any) -> float | None:
    """A fraction as a percentage (None stays None)."""
    return None if _missing(v) else 100.0 * v


def _who(t: Any) -> str:
    return who_category(t)


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("osteosim", "report/templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(fmt=fmt, ci=ci, percent=_percent, who=_who)
    return env


def render(template: str, **context: Any) -> str:
    """Render ``report/templates/<template>`` with ``context`` (autoescaped)."""
    return _environment().get_template(template).render(**context)
