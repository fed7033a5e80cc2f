"""Therapies: the regimen language (:mod:`.regimen`; grammar in :mod:`.grammar`, :mod:`.parse_text`,
:mod:`.parse_mapping`), the catalogue (:mod:`.catalog`) of the drugs registered through the
``osteosim.drugs`` entry points (:mod:`.registry`; built-in drugs in :mod:`.drugs`, cells in
:mod:`.msc`), PK kinds (:mod:`.pk`), exposure channels (:mod:`.channels`) and dose tables
(:mod:`.pkpd`)."""
from .catalog import THERAPIES, Therapy, get_therapy
from .regimen import Prescription, Regimen, RegimenError, parse_prescription, parse_regimen

__all__ = ["THERAPIES", "Therapy", "get_therapy", "Prescription", "Regimen", "RegimenError", "parse_prescription",
           "parse_regimen"]
