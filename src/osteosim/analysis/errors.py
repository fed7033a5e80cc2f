"""The one error class of a sensitivity problem that cannot be run."""
from __future__ import annotations

from ..validation import InputError

__all__ = ["SensitivityError"]


class SensitivityError(InputError):
    """A sensitivity problem that cannot be run (one line: the field, the value, what is allowed)."""
