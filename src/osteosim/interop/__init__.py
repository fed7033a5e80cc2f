"""Interoperability: SBML export of every zoo model (libsbml / libroadrunner), dosing tables."""
from .sbml import (
    export_sbml,
    export_sbml_file,
    sbml_parameter_ids,
    sbml_state_ids,
    sbml_time_offset,
    simulate_sbml_roadrunner,
    validate_sbml,
)

__all__ = [
    "export_sbml",
    "export_sbml_file",
    "sbml_parameter_ids",
    "sbml_state_ids",
    "sbml_time_offset",
    "simulate_sbml_roadrunner",
    "validate_sbml",
]
