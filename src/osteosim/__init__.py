"""osteosim: bone remodeling, lifetime physiology, therapies and virtual trials in silico."""
import gc as _gc

# No garbage collection while the package imports jax, pandas and the models: importing makes
# ~10^6 objects and no garbage, yet the collector ran ~400 times over them (most of the 0.4 s
# that collection took in a 4 s warm ``osteosim simulate``).  Collection resumes as it was when
# the imports are done, with the new objects in the oldest generation (freeze + unfreeze moves
# them there), where a collection would have put them: else the first young-generation pass
# after the imports walked all of them (70-90 ms), and the next ones again.
_gc_was_enabled = _gc.isenabled()
_gc.disable()
try:
    from . import _jax  # noqa: F401  (float64 + persistent compile cache before anything else)
    from . import citations, models, parameters
    from .citations import print_citations
    from .physiology import Patient
    from .simulation import Result, Simulation
    from .solve import SolverOptions, solve_batch
    from .therapies import Regimen, parse_regimen
finally:
    _gc.freeze()
    _gc.unfreeze()
    if _gc_was_enabled:
        _gc.enable()

__version__ = "0.1.0"
__all__ = ["citations", "models", "parameters", "print_citations", "Patient", "Regimen", "parse_regimen", "Result",
           "Simulation", "SolverOptions", "solve_batch"]
