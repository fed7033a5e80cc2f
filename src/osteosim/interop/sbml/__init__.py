"""SBML export of any zoo model, generated from the model's own right-hand side.

The RHS (pure ``jax.numpy``) is traced with :func:`jax.make_jaxpr` on symbolic
placeholders for the states, the parameters, the drivers and the time; the
jaxpr is then interpreted over arrays of *symbolic expression nodes* and each
state's derivative is written as an SBML Level 3 Version 2 ``rateRule``.  Code
and SBML therefore cannot drift: the SBML is what the code computes.

Layout of the exported model
----------------------------
- every state is a non-constant ``parameter`` with a ``rateRule`` (libroadrunner
  handles these exactly like species, with no compartment/amount semantics);
- every model parameter and every driver is a constant ``parameter`` whose value,
  unit, source and citations are kept in an ``osteosim`` annotation;
- intermediate quantities used more than once become non-constant parameters
  ``_v<N>`` with ``assignmentRule`` s (single-use ones are inlined);
- the model's ``outputs()`` (signals, bone mass, ...) become assignment rules too,
  so a libroadrunner user can plot them by name;
- time is the csymbol ``time`` (unit: the model's ``time_unit``, a day here).

Structural array operations (slice, gather, reshape, concatenate, stack,
scatter, ...) are evaluated exactly by running the JAX primitive itself on
arrays of element ids, so any data movement with constant indices is supported.
Primitives with no SBML counterpart raise :class:`NotImplementedError` naming
the primitive.

Modules: ``nodes`` (symbolic expression graph), ``interpreter`` (jaxpr over nodes),
``formulas`` (nodes -> SBML infix formulas and identifiers), ``export`` (tracing and the
SBML document: :func:`export_sbml`, :func:`export_sbml_file`), ``read`` (reading an exported
file back: state and parameter ids, time offset, :func:`simulate_sbml_roadrunner`) and
``check`` (:func:`validate_sbml`, libsbml's consistency check).
"""
from __future__ import annotations

from .check import validate_sbml
from .export import OSTEOSIM_SBML_NS, export_sbml, export_sbml_file
from .interpreter import SUPPORTED_PRIMITIVES
from .read import sbml_parameter_ids, sbml_state_ids, sbml_time_offset, simulate_sbml_roadrunner

__all__ = [
    "export_sbml",
    "export_sbml_file",
    "simulate_sbml_roadrunner",
    "validate_sbml",
    "sbml_state_ids",
    "sbml_parameter_ids",
    "sbml_time_offset",
    "SUPPORTED_PRIMITIVES",
    "OSTEOSIM_SBML_NS",
]
