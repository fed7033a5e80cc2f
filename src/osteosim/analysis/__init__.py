"""Analyses over many runs: global sensitivity (SALib Morris and Sobol) of one output to chosen parameters.

Public API: :class:`Sensitivity` (``Sensitivity(params, output=..., method=..., n=..., seed=...).fit(target)``),
:func:`parse_output`, :data:`OUTPUTS`, :class:`Factor`, :class:`SensitivityError`.  See ``docs/sensitivity.md``.
"""
from .outputs import OUTPUTS, Output, parse_output
from .problem import DEFAULT_RANGE_PCT, Factor, SensitivityError
from .sensitivity import DEFAULT_N, DEFAULT_SEED, MEANING, Sensitivity

__all__ = ["Sensitivity", "SensitivityError", "Factor", "Output", "OUTPUTS", "parse_output", "DEFAULT_N",
           "DEFAULT_SEED", "DEFAULT_RANGE_PCT", "MEANING"]
