"""Analyses over many runs: global sensitivity (SALib Morris and Sobol) of one output to chosen parameters.

Public API: :class:`Sensitivity` (``Sensitivity(params, output=..., method=..., n=..., seed=...).fit(target)``),
:func:`parse_output`, :data:`OUTPUTS`, :class:`Factor`, :class:`SensitivityError`.  See ``docs/sensitivity.md``.
Names load on first use (``from osteosim.analysis import Sensitivity``), so ``osteosim.analysis.references``
stays light for ``osteosim citations``.
"""
from __future__ import annotations

import importlib

__all__ = ["Sensitivity", "SensitivityError", "Factor", "Output", "OUTPUTS", "parse_output", "DEFAULT_N",
           "DEFAULT_SEED", "DEFAULT_RANGE_PCT", "MEANING"]

_WHERE = {"Sensitivity": "sensitivity", "DEFAULT_N": "sensitivity", "DEFAULT_SEED": "sensitivity",
          "MEANING": "sensitivity", "SensitivityError": "errors", "Factor": "problem", "DEFAULT_RANGE_PCT": "problem",
          "Output": "outputs", "OUTPUTS": "outputs", "parse_output": "outputs"}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
