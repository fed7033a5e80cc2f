"""osteosim: bone remodeling, lifetime physiology, therapies and virtual trials in silico."""
from . import _jax  # noqa: F401  (float64 + persistent compile cache before anything else)
from . import citations, models, parameters
from .citations import print_citations
from .physiology import Patient
from .simulation import Result, Simulation
from .solve import SolverOptions, solve_batch
from .therapies import Regimen, parse_regimen

__version__ = "0.1.0"
__all__ = ["citations", "models", "parameters", "print_citations", "Patient", "Regimen", "parse_regimen", "Result",
           "Simulation", "SolverOptions", "solve_batch"]
