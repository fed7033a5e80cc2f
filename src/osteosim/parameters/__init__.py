"""Named, cited parameter sets: one module per source."""
from .base import Parameter, ParameterSet
from .komarova2003 import KOMAROVA2003, KOMAROVA2003_OSCILLATING

__all__ = ["Parameter", "ParameterSet", "KOMAROVA2003", "KOMAROVA2003_OSCILLATING"]
