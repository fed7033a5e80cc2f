"""Patients and the drivers their risk factors put on the model over a lifetime."""
from .patient import SITES, Patient

__all__ = ["SITES", "Patient"]
