"""Shared 1-D coarse courses (module/session scope keeps the healing tests fast)."""
from __future__ import annotations

import pytest

from healing_helpers import line_course, msc_at


@pytest.fixture(scope="session")
def normal_line():
    return line_course("normal")


@pytest.fixture(scope="session")
def nonunion_line():
    return line_course("atrophic_nonunion")


@pytest.fixture(scope="session")
def injected_lines():
    """Atrophic non-union injected at 0, 1, 2, 4, 8 and 20 weeks -> {week: result}."""
    return {w: line_course("atrophic_nonunion", [msc_at(w)]) for w in (0, 1, 2, 4, 8, 20)}
