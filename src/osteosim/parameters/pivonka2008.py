"""Pivonka et al. 2008: RANK/RANKL/OPG/PTH/TGF-beta cell model with bone volume.

The paper's printed table and the authors' code differ for several values; like
the reference dossier we anchor to the implementation of the authors' group
(cmodiz/Bone-Models ``pivonka_parameters.py``, MIT), whose steady state and PTH
response are tabulated in reference/models/remodeling-models.md section 2.2.
"""
from .. import citations
from .base import P, ParameterSet

citations.register("Pivonka2008",
                   authors="Pivonka P, Zimak J, Smith DW, Gardiner BS, Dunstan CR, Sims NA, Martin TJ, Mundy GR",
                   year=2008, title="Model structure and control of bone remodeling: a theoretical study",
                   journal="Bone", volume="43", pages="249-263")
citations.register("BoneModels", authors="Modiz C et al.", title="bone-models 0.1.0, pivonka_parameters.py",
                   journal="Python package (cmodiz/Bone-Models, MIT licence)",
                   url="https://github.com/cmodiz/Bone-Models",
                   note="implementation values of the Pivonka group, with code comments on paper/code discrepancies")
citations.register("Scheiner2013", authors="Scheiner S, Pivonka P, Hellmich C", year=2013,
                   title="Coupling systems biology with multiscale mechanics, for computer simulations of bone remodeling",
                   journal="Comput Methods Appl Mech Eng", volume="254", pages="181-196")

_C = ("Pivonka2008", "BoneModels")
_S = "Pivonka 2008 as implemented in bone-models pivonka_parameters.py (reference section 2.2)"

PIVONKA2008 = ParameterSet.from_list(
    "Pivonka2008",
    [
        P("D_OBu", 7.0e-4, "pM/day", _S, "differentiation flux of uncommitted progenitors (OBu absorbed)", _C),
        P("D_OBp", 0.26741, "1/day", _S + "; paper value differs by f0 = 0.05", "OBp -> OBa differentiation", _C),
        P("A_OBa", 0.189, "1/day", _S, "active osteoblast apoptosis", _C),
        P("D_OCp", 2.1e-3, "pM/day", _S, "osteoclast precursor differentiation flux (OCp absorbed)", _C),
        P("A_OCa", 0.7, "1/day", _S, "active osteoclast apoptosis (TGF-beta induced)", _C),
        P("K_act_TGFb", 4.5455e-3, "pM", _S, "TGF-beta activation of OBu and OCa apoptosis", _C),
        P("K_rep_TGFb", 1.4156e-3, "pM", _S, "TGF-beta repression of OBp differentiation", _C),
        P("K_act_PTH", 150.0, "pM", _S, "PTH activation of RANKL expression", _C),
        P("K_rep_PTH", 0.22258, "pM", _S, "PTH repression of OPG expression", _C),
        P("K_RANK", 4.4575, "pM", _S + "; 'wrong in the paper (13.06?)'", "RANK-RANKL activation constant", _C),
        P("KA_OPG", 1.0e-3, "1/pM", _S, "OPG-RANKL association", _C),
        P("KA_RANK", 3.4118e-2, "1/pM", _S, "RANK-RANKL association", _C),
        P("beta_PTH", 250.0, "pM/day", _S, "endogenous PTH production", _C),
        P("D_PTH", 86.0, "1/day", _S, "PTH degradation", _C),
        P("beta_RANKL", 168.42, "pM/day", _S + "; 'e+4 in the paper, e+2 in the code'", "RANKL production", _C),
        P("D_RANKL", 10.1325, "1/day", _S, "RANKL degradation", _C),
        P("R_RANKL", 2.7035e6, "pM/pM", _S + "; 'wrong in the paper: 6e6'", "maximum RANKL per OBp", _C),
        P("beta_OPG", 1.6249e8, "1/day", _S + "; paper and code differ", "OPG production per OBa", _C),
        P("D_OPG", 0.35, "1/day", _S, "OPG degradation", _C),
        P("OPG_max", 2.0e8, "pM", _S, "OPG saturation", _C),
        P("RANK", 10.0, "pM", _S, "RANK (held fixed)", _C),
        P("D_TGFb", 1.0, "1/day", _S, "TGF-beta degradation", _C),
        P("alpha_TGFb", 1.0, "1", _S, "TGF-beta stored per unit resorbed bone", _C),
        P("k_res_TGFb", 1.0, "%/(pM*day)", _S + " (resorption rate inside the TGF-beta release term)", "resorption rate in TGF-beta release", _C),
        P("k_form", 40.0, "%/(pM*day)", "Scheiner 2013 / Martinez-Reina 2019 value (reference section 2.2 table)", "bone formation per OBa", ("Scheiner2013",)),
        P("k_res", 200.0, "%/(pM*day)", "Scheiner 2013 / Martinez-Reina 2019 value (reference section 2.2 table)", "bone resorption per OCa", ("Scheiner2013",)),
    ],
    citation_keys=_C,
    description="Structure with RANKL on OBp and OPG on OBa (the one carried into Scheiner 2013 and bone-models).",
)
