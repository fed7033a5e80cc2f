"""Komarova et al. 2003 power-law osteoclast/osteoblast model: both published sets.

Values are those of BioModels BIOMD0000000148 (identical in BIOMD0000000279), which
the curators state reproduce the paper's Fig. 2; the oscillating set is the one
Ayati et al. 2010 (BIOMD0000000402) carried forward.
"""
from .. import citations
from .base import P, ParameterSet

citations.register("Komarova2003", authors="Komarova SV, Smith RJ, Dixon SJ, Sims SM, Wahl LM", year=2003,
                   title="Mathematical model predicts a critical role for osteoclast autocrine regulation in the control of bone remodeling",
                   journal="Bone", volume="33", issue="2", pages="206-215")
citations.register("BIOMD0000000148", authors="BioModels", title="BIOMD0000000148 (Komarova 2003), curated SBML",
                   url="https://www.ebi.ac.uk/biomodels/BIOMD0000000148", note="parameter values and initial state")
citations.register("Ayati2010", authors="Ayati BP, Edwards CM, Webb GF, Wikswo JP", year=2010,
                   title="A mathematical model of bone remodeling dynamics for normal bone cell populations and myeloma bone disease",
                   journal="Biology Direct", volume="5", pages="28", note="BIOMD0000000402")

_SRC = "Komarova 2003 via BIOMD0000000148 parameter list"

KOMAROVA2003 = ParameterSet.from_list(
    "Komarova2003",
    [
        P("alpha1", 3.0, "cells/day", _SRC, "osteoclast production", "BIOMD0000000148"),
        P("alpha2", 4.0, "cells/day", _SRC, "osteoblast production", "BIOMD0000000148"),
        P("beta1", 0.2, "1/day", _SRC, "osteoclast removal", "BIOMD0000000148"),
        P("beta2", 0.02, "1/day", _SRC, "osteoblast removal", "BIOMD0000000148"),
        P("g11", 0.5, "1", _SRC, "osteoclast autocrine exponent", "BIOMD0000000148"),
        P("g21", -0.5, "1", _SRC, "osteoblast -> osteoclast paracrine exponent", "BIOMD0000000148"),
        P("g12", 1.0, "1", _SRC, "osteoclast -> osteoblast paracrine exponent", "BIOMD0000000148"),
        P("g22", 0.0, "1", _SRC, "osteoblast autocrine exponent", "BIOMD0000000148"),
        P("k1", 0.24, "%/(cell*day)", _SRC, "resorption per excess osteoclast", "BIOMD0000000148"),
        P("k2", 0.0017, "%/(cell*day)", _SRC, "formation per excess osteoblast", "BIOMD0000000148"),
    ],
    citation_keys=("Komarova2003", "BIOMD0000000148"),
    description="Single remodeling cycle set (stable focus).",
)

KOMAROVA2003_OSCILLATING = KOMAROVA2003.with_(
    source="Ayati 2010 oscillating set (BIOMD0000000402, tumour switched off)", g11=1.1, k1=0.0748, k2=0.0006395
)
KOMAROVA2003_OSCILLATING = ParameterSet(
    "Komarova2003_oscillating",
    KOMAROVA2003_OSCILLATING.parameters,
    ("Komarova2003", "BIOMD0000000148", "Ayati2010"),
    "Internally regulated repeated cycles: g11 = 1.1 (Hopf point), k1, k2 rebalanced.",
)
