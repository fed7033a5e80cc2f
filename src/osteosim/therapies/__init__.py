"""Therapies: the regimen language (:mod:`.regimen`), the therapy catalogue (:mod:`.catalog`) and,
per drug class, PK states and effect terms."""
from .catalog import THERAPIES, Therapy, get_therapy
from .regimen import Prescription, Regimen, RegimenError, parse_prescription, parse_regimen

__all__ = ["THERAPIES", "Therapy", "get_therapy", "Prescription", "Regimen", "RegimenError", "parse_prescription",
           "parse_regimen"]
