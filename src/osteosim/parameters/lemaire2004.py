"""Lemaire et al. 2004 osteoblast/osteoclast model (RANK/RANKL/OPG/PTH/TGF-beta): the published set.

Values are those of BioModels BIOMD0000000278 (the curated SBML of the core model),
identical to cmodiz/Bone-Models ``lemaire_parameters.py``, as tabulated in
reference/models/remodeling-models.md section 2.1.  Concentrations are in pM and
time in days.  ``P0 = S_P/k_P`` and ``P_s = k6/k5`` are derived in the model, not
stored here, so an override of ``S_P``, ``k_P``, ``k5`` or ``k6`` stays consistent.
"""
from .. import citations
from .base import P, ParameterSet

citations.register("Lemaire2004", authors="Lemaire V, Tobin FL, Greller LD, Cho CR, Suva LJ", year=2004,
                   title="Modeling the interactions between osteoblast and osteoclast activities in bone remodeling",
                   journal="J Theor Biol", volume="229", issue="3", pages="293-309")
citations.register("BIOMD0000000278", authors="BioModels",
                   title="BIOMD0000000278 (Lemaire 2004 core model), curated SBML",
                   url="https://www.ebi.ac.uk/biomodels/BIOMD0000000278", note="parameter values and initial state")

_SRC = "Lemaire 2004 parameter table via BIOMD0000000278 (reference/models/remodeling-models.md 2.1)"
_C = ("Lemaire2004", "BIOMD0000000278")

LEMAIRE2004 = ParameterSet.from_list(
    "Lemaire2004",
    [
        P("D_R", 7.0e-4, "pM/day", _SRC, "uncommitted progenitors -> responding osteoblasts flux", _C),
        P("d_B", 0.7, "1/day", _SRC, "responding -> active osteoblast rate (D_B = f0*d_B)", _C),
        P("f0", 0.05, "1", _SRC, "fixed proportion (TGF-beta effect floor, D_B scaling)", _C),
        P("D_C", 2.1e-3, "pM/day", _SRC, "osteoclast precursor differentiation flux", _C),
        P("D_A", 0.7, "1/day", _SRC, "osteoclast apoptosis rate (TGF-beta induced)", _C),
        P("k_B", 0.189, "1/day", _SRC, "active osteoblast elimination rate", _C),
        P("C_s", 5.0e-3, "pM", _SRC, "osteoclast concentration giving half-maximal TGF-beta effect", _C),
        P("K", 10.0, "pM", _SRC, "RANK concentration (fixed)", _C),
        P("k1", 1.0e-2, "1/(pM*day)", _SRC, "OPG-RANKL association rate", _C),
        P("k2", 10.0, "1/day", _SRC, "OPG-RANKL dissociation rate", _C),
        P("k3", 5.8e-4, "1/(pM*day)", _SRC, "RANK-RANKL association rate", _C),
        P("k4", 1.7e-2, "1/day", _SRC, "RANK-RANKL dissociation rate", _C),
        P("k5", 0.02, "1/(pM*day)", _SRC, "PTH-receptor association rate", _C),
        P("k6", 3.0, "1/day", _SRC, "PTH-receptor dissociation rate", _C),
        P("K_LP", 3.0e6, "pM/pM", _SRC, "maximum RANKL per active osteoblast (K_L^P)", _C),
        P("K_OP", 2.0e5, "(pM/day)/pM", _SRC, "OPG production per responding osteoblast (K_O^P)", _C),
        P("k_O", 0.35, "1/day", _SRC, "OPG degradation rate", _C),
        P("r_L", 1.0e3, "pM/day", _SRC, "RANKL production rate (scales the external RANKL input I_L)", _C),
        P("S_P", 250.0, "pM/day", _SRC, "endogenous PTH production rate", _C),
        P("k_P", 86.0, "1/day", _SRC, "PTH clearance rate", _C),
    ],
    citation_keys=_C,
    description="Core Lemaire 2004 model (BIOMD0000000278); states R, B, C in pM, time in days.",
)
