"""Checking an SBML document: libsbml's consistency check."""
from __future__ import annotations


def validate_sbml(sbml: str, units: bool = False) -> list[str]:
    """libsbml consistency check; returns the messages of severity error or fatal (empty = valid)."""
    import libsbml

    doc = libsbml.readSBMLFromString(sbml)
    if not units:
        doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, False)
    doc.checkConsistency()
    msgs = []
    for i in range(doc.getNumErrors()):
        e = doc.getError(i)
        if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            msgs.append(f"line {e.getLine()}: {e.getMessage().strip()}")
    return msgs
