"""BailonPlaza2001: the fracture-callus growth-factor model and its healing-module extensions.

The non-dimensional core values are those of Bailón-Plaza & van der Meulen (2001) as
encoded in the public deal.II re-implementation olegrog/my_dealii
(``FractureHealing/parameters.prm``, which cites the paper; see
``shared/reference/models/fracture-healing.md`` section 1.4).  Densities are scaled by
their maxima (cells by c0, matrix by m0, growth factors by g0), lengths by
``length_scale_mm`` and times by ``time_scale_days``.

``time_scale_days`` and the MSC influx rate of the 1-D line are **fitted** by
``osteosim.healing.calibrate`` (``python -m osteosim.healing.calibrate`` rewrites
``osteosim/data/healing_fit.json``): the time unit maps the bridging time of the normal
reference callus (2-D planar, coarse grid, default gap, patient modifiers neutral) to 12
weeks, the union time of a diaphyseal (cortical) fracture by Perkins' rule.
"""
from __future__ import annotations

from .. import citations
from . import msc2026  # noqa: F401  (registers Zhou2008, SanghaniKerai2018, Liu2017)
from .base import FittedValues, P, ParameterSet

_R = citations.register
_R("BailonPlaza2001", authors="Bailon-Plaza A, van der Meulen MCH", year=2001,
   title="A mathematical framework to study the effects of growth factor influences on fracture healing",
   journal="J Theor Biol", volume="212", pages="191-209", doi="10.1006/jtbi.2001.2372")
_R("MyDealiiFH", authors="olegrog", title="my_dealii: FractureHealing/parameters.prm and Parameters.cc",
   journal="GitHub repository", url="https://github.com/olegrog/my_dealii",
   note="public deal.II re-implementation of Bailon-Plaza & van der Meulen 2001; non-dimensional parameter table and boundary conditions")
_R("Geris2010", authors="Geris L, Reed AAC, Vander Sloten J, Simpson AHRW, Van Oosterwyck H", year=2010,
   title="Occurrence and treatment of bone atrophic non-unions investigated by an integrative approach",
   journal="PLoS Comput Biol", volume="6", pages="e1000915")
_R("PerkinsOxfordSurgery", authors="Agarwal A et al., eds.", title="Oxford Handbook of Clinical Surgery, 5th ed.",
   note="Perkins' rule of fracture union: fractures of cortical (diaphyseal) bone unite in about 12 weeks")

_A = "assumption"
_BP = "Bailon-Plaza 2001 (non-dimensional table as coded in olegrog/my_dealii parameters.prm)"
_CITE = ("BailonPlaza2001", "MyDealiiFH")

_fit = FittedValues(
    "healing_fit.json",
    "fitted by osteosim.healing.calibrate (normal 2-D reference callus bridges at 12 weeks, Perkins' rule; "
    "1-D line MSC influx matched to the 2-D bridging time)",
    ("PerkinsOxfordSurgery",),
).param

BAILON_PLAZA2001 = ParameterSet.from_list(
    "BailonPlaza2001",
    [
        # --- MSC migration --------------------------------------------------------------------------
        P("D_h", 0.014, "1", _BP, "MSC random-motility amplitude: D_M(m) = D_h m / (K_h^2 + m^2)", _CITE),
        P("K_h", 0.25, "1", _BP, "matrix density of peak MSC motility", _CITE),
        P("C_k", 0.0034, "1", _BP, "haptotactic coefficient: chi(m) = C_k / (K_k + m)^2", _CITE),
        P("K_k", 0.5, "1", _BP, "haptotactic saturation", _CITE),
        # --- proliferation A_i(m) = A_i0 m / (K_i^2 + m^2) -----------------------------------------------
        P("A_M0", 1.01, "1", _BP, "MSC proliferation amplitude", _CITE),
        P("K_M", 0.1, "1", _BP, "matrix density of peak MSC proliferation", _CITE),
        P("A_C0", 1.01, "1", _BP, "chondrocyte proliferation amplitude", _CITE),
        P("K_C", 0.1, "1", _BP, "matrix density of peak chondrocyte proliferation", _CITE),
        P("A_B0", 0.202, "1", _BP, "osteoblast proliferation amplitude", _CITE),
        P("K_B", 0.1, "1", _BP, "matrix density of peak osteoblast proliferation", _CITE),
        P("alpha_M", 1.0, "1", _BP, "inverse limiting MSC density", _CITE),
        P("alpha_C", 1.0, "1", _BP, "inverse limiting chondrocyte density", _CITE),
        P("alpha_B", 1.0, "1", _BP, "inverse limiting osteoblast density", _CITE),
        # --- differentiation ------------------------------------------------------------------------------
        P("Y1", 10.0, "1", _BP, "MSC -> osteoblast rate, F1 = Y1 g_B / (H1 + g_B)", _CITE),
        P("H1", 0.1, "1", _BP, "F1 half-saturation in g_B", _CITE),
        P("Y2", 50.0, "1", _BP, "MSC -> chondrocyte rate, F2 = Y2 g_C / (H2 + g_C)", _CITE),
        P("H2", 0.2, "1", _BP, "F2 half-saturation in g_C", _CITE),
        P("Y3", 1000.0, "1", _BP, "endochondral replacement rate, F3 = Y3 m_C^6/(B_ec^6+m_C^6) g_B/(H3+g_B)", _CITE),
        P("H3", 0.1, "1", _BP, "F3 half-saturation in g_B", _CITE),
        P("B_ec", 1.5, "1", _BP, "cartilage maturity of half-maximal endochondral replacement", _CITE),
        P("d_B", 0.1, "1", _BP, "osteoblast removal rate", _CITE),
        # --- matrix ----------------------------------------------------------------------------------------
        P("P_CS", 0.2, "1", _BP, "cartilage (soft) matrix synthesis rate", _CITE),
        P("kappa_C", 1.0, "1", _BP, "inverse maximal cartilage matrix density", _CITE),
        P("Q_CD", 2.0, "1", _BP, "cartilage degradation by osteoblasts", _CITE),
        P("P_BS", 2.0, "1", _BP, "bone matrix synthesis rate", _CITE),
        P("kappa_B", 1.0, "1", _BP, "inverse maximal bone matrix density", _CITE),
        # --- growth factors ---------------------------------------------------------------------------
        P("D_GC", 0.005, "1", f"{_BP}; the repository's latest commit uses 0.05 and keeps 0.005 as the paper value", "chondrogenic GF diffusivity", _CITE),
        P("D_GB", 0.005, "1", f"{_BP}; as D_GC", "osteogenic GF diffusivity", _CITE),
        P("G_GC", 50.0, "1", _BP, "chondrogenic GF production, E_GC = G_GC g_C/(H_GC+g_C) m/(K_GC^3+m^3)", _CITE),
        P("H_GC", 1.0, "1", _BP, "chondrogenic GF autocrine half-saturation", _CITE),
        P("K_GC", 0.1, "1", _BP, "matrix scale of chondrogenic GF production", _CITE),
        P("G_GB", 500.0, "1", _BP, "osteogenic GF production, E_GB = G_GB g_B/(H_GB+g_B)", _CITE),
        P("H_GB", 1.0, "1", _BP, "osteogenic GF autocrine half-saturation", _CITE),
        P("d_GC", 100.0, "1", _BP, "chondrogenic GF decay", _CITE),
        P("d_GB", 100.0, "1", _BP, "osteogenic GF decay", _CITE),
        # --- boundary and initial conditions ------------------------------------------------------------------
        P("c_M_boundary", 0.5, "1", f"{_BP}: soft-tissue MSC density", "MSC density at the soft-tissue boundary", _CITE),
        P("t_msc_window", 1.0, "1", f"{_BP}: MSC supply while t < 1", "end of the endogenous MSC supply", _CITE),
        P("g_C_boundary", 20.0, "1", f"{_BP}: cortex fracture faces", "chondrogenic GF at the cortex ends", _CITE),
        P("g_B_boundary", 20.0, "1", f"{_BP}: periosteum beyond x > 0.4", "osteogenic GF at the periosteal surface", _CITE),
        P("t_gf_window", 10.0, "1", f"{_BP}: GF release while t < 10", "end of the boundary GF release", _CITE),
        P("m_initial", 0.1, "1", f"{_BP}: initial soft (granulation) matrix", "initial matrix density, carried by m_C", _CITE),
        # --- geometry (the quarter callus of my_dealii fracture.geo) --------------------------------------------
        P("half_gap_ref", 0.2, "1", f"{_BP} fracture.geo: half-gap 0.2", "reference half-gap (non-dimensional)", _CITE),
        P("cortex_thickness", 0.2, "1", f"{_BP} fracture.geo", "cortex thickness (gap height)", _CITE),
        P("callus_axial_beyond_gap", 1.1, "1", f"{_BP} fracture.geo: ellipse semi-axis 1.3 = half-gap 0.2 + 1.1", "external callus reach past the cortex end", _CITE),
        P("callus_radial", 0.8, "1", f"{_BP} fracture.geo", "external callus thickness (ellipse semi-axis)", _CITE),
        P("periosteal_gf_offset", 0.2, "1", f"{_BP}: g_B released on the periosteum for x > 0.4 = half-gap + 0.2", "distance from the cortex end where periosteal GF release starts", _CITE),
        # --- scales -------------------------------------------------------------------------------------
        P("length_scale_mm", 5.0, "mm", f"{_A}: the reference half-gap 0.2 is a 2 mm fracture gap (a stably fixed diaphyseal fracture)", "length unit"),
        _fit("time_scale_days", 11.0, "day", "time unit", (1.0, 60.0), "Perkins' rule: cortical fractures unite in ~12 weeks"),
        P("cell_density_scale", 1.0e6, "cells/mL", f"{_A}: order of magnitude of the BP2001 cell scale as recalled in the reference dossier ([?], unverified)", "c0, cell density of non-dimensional 1"),
        P("gf_scale", 100.0, "ng/mL", f"{_A}: order of magnitude of the BP2001 GF scale as recalled in the reference dossier ([?], unverified)", "g0, GF concentration of non-dimensional 1"),
        P("bone_cross_section_mm2", 450.0, "mm^2", f"{_A}: adult tibial/femoral shaft, ~24 mm diameter", "bone cross-section: the gap volume is gap_mm x this"),
        # --- 1-D line: lumped radial supply (reference section 5.2) ----------------------------------------
        _fit("k_msc_line", 0.02, "1", "MSC influx rate k_M (c_src - c_M) along the 1-D line", (0.001, 1.0), "lumps the soft-tissue MSC boundary of the 2-D callus"),
        P("k_gf_line", 1.0, "1", f"{_A}: fast enough that the lumped GF release seeds the line like the 2-D boundaries (bridging changes < 3 % for k_G = 0.1-100)", "GF release rate k_G (20 - g) on the gap / periosteal cells of the 1-D line"),
        # --- outcome ---------------------------------------------------------------------------------------
        P("union_bone_threshold", 0.5, "1", "reference dossier section 5.4: bridged when the gap-mean m_B >= 0.5", "bone matrix density (of the maximum) that counts as bridged"),
        # --- patient effects (healing module; design choices sized from the cited data) -----------------------
        P("age_reference", 25.0, "year", f"{_A}: young-adult MSCs have no age penalty", "age from which MSC ageing acts"),
        P("age_old_donor", 70.0, "year", "Zhou 2008: 'old' donors about 60-80 years", "age at which the old-donor proliferation penalty (MSC2026 msc_old_doubling_ratio) is complete", ("Zhou2008",)),
        P("lineage_osteogenic_exponent", 0.3, "1", f"{_A}: osteogenic commitment Y1 x pool^exponent, the same compensation as the remodeling model's msc_flux_exponent prior", "lineage ageing of osteogenic commitment"),
    ],
    citation_keys=("BailonPlaza2001", "MyDealiiFH", "Geris2010"),
    description="Bailon-Plaza & van der Meulen 2001 fracture-callus model (non-dimensional) with the healing module's scales, "
                "1-D lumping, MSC-injection and patient extensions.",
)
