"""Named, cited parameter sets: one module per source."""
from .base import Parameter, ParameterSet
from .komarova2003 import KOMAROVA2003, KOMAROVA2003_OSCILLATING
from .lemaire2004 import LEMAIRE2004

__all__ = ["Parameter", "ParameterSet", "KOMAROVA2003", "KOMAROVA2003_OSCILLATING", "LEMAIRE2004"]
