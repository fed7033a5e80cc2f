"""Osteosim2026: the full model's parameter set.

The Pivonka 2008 core (unchanged values) plus the extensions of the full model:
estrogen, PMO transient, PTH set-point, mechanostat/sclerostin, MSC lineage and
marrow fat, osteoclast precursors, four skeletal sites with their turnover and
secondary mineralization, glucocorticoids and smoking.

Values fitted to the natural-history targets are read from
``osteosim/data/natural_history_fit.json``, which ``osteosim calibrate`` (the joint fit of the natural
history and the drug effects, ``osteosim.calibration.joint``) writes from
``shared/reference/targets/calibration-targets.csv``; everything else is a
literature value or a stated assumption.
"""
from __future__ import annotations

from .. import citations
from .base import FittedValues, P, ParameterSet
from .pivonka2008 import PIVONKA2008

_R = citations.register
_R("Greendale2012", authors="Greendale GA et al.", year=2012,
   title="Bone mineral density loss in relation to the final menstrual period in a multiethnic cohort: results from SWAN",
   journal="J Bone Miner Res", volume="27", pages="111-118")
_R("Guthrie1998", authors="Guthrie JR et al.", year=1998,
   title="A prospective study of bone loss in menopausal Australian-born women", journal="Osteoporos Int",
   volume="8", pages="282-290")
_R("Randolph2011", authors="Randolph JF Jr et al.", year=2011,
   title="Change in follicle-stimulating hormone and estradiol across the menopausal transition: effect of age at the final menstrual period (SWAN)",
   journal="J Clin Endocrinol Metab", volume="96", pages="746-754")
_R("Khosla1998", authors="Khosla S, Melton LJ 3rd, Atkinson EJ, O'Fallon WM, Klee GG, Riggs BL", year=1998,
   title="Relationship of serum sex steroid levels and bone turnover markers with bone mineral density in men and women",
   journal="J Clin Endocrinol Metab", volume="83", pages="2266-2274")
_R("EghbaliFatourechi2003", authors="Eghbali-Fatourechi G et al.", year=2003,
   title="Role of RANK ligand in mediating increased bone resorption in early postmenopausal women",
   journal="J Clin Invest", volume="111", pages="1221-1230")
_R("Hughes1996", authors="Hughes DE et al.", year=1996,
   title="Estrogen promotes apoptosis of murine osteoclasts mediated by TGF-beta", journal="Nat Med", volume="2",
   pages="1132-1136")
_R("Jilka1992", authors="Jilka RL et al.", year=1992,
   title="Increased osteoclast development after estrogen loss: mediation by interleukin-6", journal="Science",
   volume="257", pages="88-91")
_R("MartinezReina2019", authors="Martinez-Reina J, Pivonka P", year=2019,
   title="Effects of long-term treatment of denosumab on bone mineral density: insights from an in-silico model of bone mineralization",
   journal="Bone", volume="125", pages="87-95")
_R("Scheiner2014", authors="Scheiner S, Pivonka P, Smith DW, Dunstan CR, Hellmich C", year=2014,
   title="Mathematical modeling of postmenopausal osteoporosis and its treatment by the anti-catabolic drug denosumab",
   journal="Int J Numer Method Biomed Eng", volume="30", pages="1-27")
_R("Lips2001", authors="Lips P", year=2001,
   title="Vitamin D deficiency and secondary hyperparathyroidism in the elderly: consequences for bone loss and fractures and therapeutic implications",
   journal="Endocr Rev", volume="22", pages="477-501")
_R("DIppolito1999", authors="D'Ippolito G, Schiller PC, Ricordi C, Roos BA, Howard GA", year=1999,
   title="Age-related osteogenic potential of mesenchymal stromal stem cells from human vertebral bone marrow",
   journal="J Bone Miner Res", volume="14", pages="1115-1122")
_R("Boivin2000", authors="Boivin GY, Chavassieux PM, Santora AC, Yates J, Meunier PJ", year=2000,
   title="Alendronate increases bone strength by increasing the mean degree and uniformity of mineralization of bone tissue in osteoporotic women",
   journal="Bone", volume="27", pages="687-694")
_R("Parfitt2002", authors="Parfitt AM", year=2002,
   title="Misconceptions (2): turnover is always higher in cancellous than in cortical bone", journal="Bone",
   volume="30", pages="807-809",
   note="and Manolagas SC. Birth and death of bone cells. Endocr Rev 2000;21:115-137 (adult cancellous ~25 %/y, cortical ~3 %/y)")
_R("CarterHayes1977", authors="Carter DR, Hayes WC", year=1977,
   title="The compressive behavior of bone as a two-phase porous structure", journal="J Bone Joint Surg Am",
   volume="59", pages="954-962")
_R("Morgan2003", authors="Morgan EF, Bayraktar HH, Keaveny TM", year=2003,
   title="Trabecular bone modulus-density relationships depend on anatomic site", journal="J Biomech",
   volume="36", pages="897-904")
_R("Keaveny2014", authors="Keaveny TM, McClung MR, Genant HK, et al.", year=2014,
   title="Femoral and vertebral strength improvements in postmenopausal women with osteoporosis treated with denosumab",
   journal="J Bone Miner Res", volume="29", pages="158-165")
_R("Currey1988", authors="Currey JD", year=1988,
   title="The effect of porosity and mineral content on the Young's modulus of elasticity of compact bone",
   journal="J Biomech", volume="21", pages="131-139")
_R("Robling2008", authors="Robling AG et al.", year=2008,
   title="Mechanical stimulation of bone in vivo reduces osteocyte expression of Sost/sclerostin",
   journal="J Biol Chem", volume="283", pages="5866-5875")
_R("Weinstein1998", authors="Weinstein RS, Jilka RL, Parfitt AM, Manolagas SC", year=1998,
   title="Inhibition of osteoblastogenesis and promotion of apoptosis of osteoblasts and osteocytes by glucocorticoids",
   journal="J Clin Invest", volume="102", pages="274-282")
_R("Hofbauer1999", authors="Hofbauer LC et al.", year=1999,
   title="Stimulation of osteoprotegerin ligand and inhibition of osteoprotegerin production by glucocorticoids in human osteoblastic lineage cells",
   journal="Endocrinology", volume="140", pages="4382-4389")
_R("LawHackshaw1997", authors="Law MR, Hackshaw AK", year=1997,
   title="A meta-analysis of cigarette smoking, bone mineral density and risk of hip fracture: recognition of a major effect",
   journal="BMJ", volume="315", pages="841-846")
_R("Seeman1989", authors="Seeman E et al.", year=1989,
   title="Reduced bone mass in daughters of women with osteoporosis", journal="N Engl J Med", volume="320",
   pages="554-558")
_R("Looker1998", authors="Looker AC et al.", year=1998,
   title="Updated data on proximal femur bone mineral density of US adults (NHANES III)", journal="Osteoporos Int",
   volume="8", pages="468-489")
_R("Looker2012", authors="Looker AC et al.", year=2012,
   title="Lumbar spine and proximal femur bone mineral density, bone mineral content, and bone area: United States, 2005-2008 (as tabulated in a 2025 review)",
   journal="Osteoporos Int", volume="23", pages="1351")
_R("Griffith2012", authors="Griffith JF et al.", year=2012,
   title="Bone marrow fat content in the elderly: a reversal of sex difference seen in younger subjects",
   journal="J Magn Reson Imaging", volume="36", pages="225-230")
_R("Agerbaek1991", authors="Agerbaek MO, Eriksen EF, Kragstrup J, Mosekilde L, Melsen F", year=1991,
   title="A reconstruction of the remodelling cycle in normal human cortical iliac bone", journal="Bone Miner",
   volume="12", issue="2", pages="101-112",
   url="https://publichealth.ku.dk/staff/?pure=en%2Fpublications%2Fa-reconstruction-of-the-remodelling-cycle-in-normal-human-cortical-iliac-bone(4ec61cd9-d3bc-47fb-9f49-46f450a20b77).html",
   note="abstract: resorptive period 27 d, mineralization lag 8 d, formative period 89 d (10 young normals); "
        "author list recalled, title/journal/pages read at the address")
_R("Kragstrup1983", authors="Kragstrup J, Melsen F, Mosekilde L", year=1983,
   title="Thickness of bone formed at remodeling sites in normal human iliac trabecular bone: variations with age and sex",
   journal="Metab Bone Dis Relat Res", volume="5", pages="17-21", url="https://wbldb.lievers.net/10169270.html",
   note="abstract: 3-D wall thickness 59.4 um, calcification rate 0.63 um/day, calcification period ~100 days "
        "(85 normals); bibliographic fields recalled, abstract read at the address")
_R("CavityMicroFE2012", authors="Keaveny TM, Hernandez CJ and colleagues (first author not verified)", year=2012,
   title="Theoretical biomechanical effects of virtually added resorption cavities on cancellous bone strength "
         "(nonlinear micro-FE, 40 cubes, BV/TV 0.05-0.36)",
   journal="J Bone Miner Res", volume="27", pages="1927-1935", pmcid="PMC3423528",
   url="https://pmc.ncbi.nlm.nih.gov/articles/PMC3423528",
   note="Table 1: slope of strength vs BV/TV with no / random / high-strain cavities: human vertebra 25.1 / 23.0 / 18.1 "
        "(-8 % / -28 %), human femoral neck 100.9 / 92.6 / 81.7 (-8 % / -19 %); title paraphrased from the abstract")
_R("Vesterby1989", authors="Vesterby A, Mosekilde L, Gundersen HJG, Melsen F, Holme K, Sorensen S", year=1989,
   title="Normal postmenopausal women show iliac crest trabecular thickening on vertical sections",
   journal="Bone", volume="10", pages="333-339", url="https://www.ncbi.nlm.nih.gov/pubmed/2605050",
   note="abstract: mean trabecular thickness (BV/BS ratio method) 155 +- 31 um, 49 normal individuals, no significant "
        "age trend; author list recalled, title/journal/pages and numbers read at the address")
_R("VertebralTrabeculaeAging", authors="authors not shown at the address", year=1993,
   title="Age-dependent variations in the architecture of vertebral trabeculae (L3, vertical and horizontal planes)",
   journal="Bone (year and journal recalled)", url="https://wbldb.lievers.net/04844.html",
   note="abstract: 61 autopsies, 33-89 y; women 33-49 vs 80-89 y: bone area -51 % (vertical) and -64 % (horizontal), "
        "mean trabecular width 172 -> 128 um (vertical) and 144 -> 112 um (horizontal); loss by thinning and by "
        "fragmentation and complete loss of trabeculae")
_R("Mosekilde2000", authors="Mosekilde L", year=2000,
   title="Age-related changes in bone mass, structure, and strength: effects of loading",
   journal="Z Rheumatol", volume="59 Suppl 1", pages="1-9", url="https://wbldb.lievers.net/10209417.html",
   note="abstract: whole vertebral body strength falls 70-80 % during normal aging while bone density falls 35-45 %; "
        "bibliographic fields recalled, numbers read at the address")
_R("Khosla2006", authors="Khosla S, Riggs BL, Atkinson EJ, Oberg AL, McDaniel LJ, Holets M, Peterson JM, Melton LJ",
   year=2006, title="Effects of sex and age on bone microstructure at the ultradistal radius: a population-based "
   "noninvasive in vivo assessment", journal="J Bone Miner Res", volume="21", pages="124-131", pmcid="PMC1352156",
   url="https://pmc.ncbi.nlm.nih.gov/articles/PMC1352156",
   note="HR-pQCT (89 um voxels), women 20-29 vs 90 y: trabecular BV/TV -27 %, Tb.N -13 %, Tb.Th -18 %; men Tb.N +7 %")
_R("VanDerLinden2001", authors="Van der Linden JC, Homminga J, Verhaar JAN, Weinans H", year=2001,
   title="Mechanical consequences of bone loss in cancellous bone", journal="J Bone Miner Res", volume="16",
   pages="457-465",
   note="3-D FE: at equal bone loss, resorption cavities lower stiffness far more than uniform thinning; "
        "bibliographic fields recalled (the strength-and-fracture reference gives JBMR 16:457)")
_R("Kanis2008", authors="Kanis JA et al.", year=2008,
   title="A reference standard for the description of osteoporosis", journal="Bone", volume="42", pages="467-475")

_R("ISCD2013", authors="International Society for Clinical Densitometry", year=2013,
   title="2013 ISCD Combined Official Positions (adult): forearm BMD is measured at the 33 % (one-third) radius of the "
         "non-dominant forearm; other forearm regions are not recommended for diagnosis",
   journal="ISCD Official Positions", note="found at cupdf.com (2013 ISCD Combined Official Positions)")
_R("Kelly1990", authors="Kelly TL", year=1990,
   title="Bone mineral density reference databases for American men and women (Hologic reference database)",
   journal="J Bone Miner Res", volume="5", pages="S249",
   note="manufacturer (Hologic) young-adult reference of the 33 % radius; its values here are recalled, not verified")
_R("Svejme2012", authors="Svejme O, Ahlborg HG, Karlsson MK", year=2012,
   title="Changes in forearm bone mass and bone size after menopause: a mean 24-year prospective study",
   journal="J Musculoskelet Neuronal Interact", volume="12", pages="192-198",
   note="lup.lub.lu.se/record/3347833: annual distal-forearm BMD loss 2.0 (1.6-2.4), 1.0 (0.6-1.4), 1.0 (0.7-1.3) %/y "
        "at 0-8, 8-16, 16-28 y after menopause (SPA, 81 women)")
_R("Ahlborg2003", authors="Ahlborg HG, Johnell O, Turner CH, Rannevik G, Karlsson MK", year=2003,
   title="Bone loss and bone size after menopause", journal="N Engl J Med", volume="349", pages="327-334")
_R("Emaus2006", authors="Emaus N, Berntsen GK, Joakimsen R, Fonnebo V", year=2006,
   title="Longitudinal changes in forearm bone mineral density in women and men aged 45-84 years: the Tromso Study, "
         "a population-based study", journal="Am J Epidemiol", volume="163", pages="441-449",
   note="abstract at scilit.net (ec8791b7...): distal forearm -0.9 %/y in women not on HRT, -0.5 %/y in men (SXA, 1994-2001); "
        "authors/journal recalled")
_R("Zebaze2010", authors="Zebaze RM et al.", year=2010,
   title="Intracortical remodelling and porosity in the distal radius and post-mortem femurs of women: a cross-sectional study",
   journal="Lancet", volume="375", pages="1729-1736")
_R("Riggs2004", authors="Riggs BL, Melton LJ 3rd, Robb RA, Camp JJ, Atkinson EJ, Peterson JM, Rouleau PA, McCollough CH, "
   "Bouxsein ML, Khosla S", year=2004,
   title="Population-based study of age and sex differences in bone volumetric density, size, geometry, and structure at "
         "different skeletal sites", journal="J Bone Miner Res", volume="19", pages="1945-1954",
   url="https://read.qxmd.com/read/15537436",
   note="abstract (QCT, 373 women and 323 men aged 20-97, Rochester): over life trabecular vBMD fell 55 % (women) and 46 % "
        "(men) at the central sites but similarly, 24 % and 26 %, at the peripheral sites (distal radius and tibia); "
        "author list recalled")
_R("Riggs2008", authors="Riggs BL et al.", year=2008,
   title="A population-based assessment of rates of bone loss at multiple skeletal sites: evidence for substantial "
         "trabecular bone loss in young adult women and men", journal="J Bone Miner Res", volume="23", pages="205-214")
_R("Eswaran2006", authors="Eswaran SK, Gupta A, Adams MF, Keaveny TM", year=2006,
   title="Cortical and trabecular load sharing in the human vertebral body", journal="J Bone Miner Res", volume="21",
   pages="307-314", url="https://csml.berkeley.edu/Abstract/J06d.html",
   note="shell 0.38 +- 0.06 mm thick, 21-39 % of the bone mass; maximum shell load fraction 0.38-0.54 (narrowest section), "
        "maximum trabecular load fraction 0.76-0.89 near the endplates (the strength-and-fracture reference); the "
        "companion micro-FE (Comp Meth Appl Mech Engrg 2007;196:3025, the address): removing the shell cost 38-68 % of stiffness")
_R("Werner1988", authors="Werner C, Iversen BF, Therkildsen MH", year=1988,
   title="Contribution of the trabecular component to mechanical strength and bone mineral content of the femoral neck. "
         "An experimental study on cadaver bones", journal="Scand J Clin Lab Invest", volume="48", pages="457-460",
   url="https://scilit.com/publications/5a8b21168a19f01012d454ca13e33636",
   note="10 pairs of autopsy femora (women): evacuating the neck's trabecular bone removed 23.5 % of BMC and 39.5 % of "
        "strength; authors recalled, abstract read at the address")
_R("Martens1983", authors="Martens M, Van Audekercke R, Delport P, De Meester P, Mulier JC", year=1983,
   title="The mechanical characteristics of cancellous bone at the upper femoral region", journal="J Biomech",
   volume="16", pages="971-983", url="https://wbldb.lievers.net/10035936.html",
   note="abstract: removing the central trabecular bone of the proximal femur reduces its strength for impact loading "
        "considerably (+-50 %); bibliographic fields recalled")
_R("Roux2010", authors="Roux JP, Wegrzyn J, Arlot ME, Guyen O, Delmas PD, Chapurlat R, Bouxsein ML", year=2010,
   title="Contribution of trabecular and cortical components to biomechanical behavior of human vertebrae: an ex vivo study",
   journal="J Bone Miner Res", volume="25", pages="356-361", pmcid="PMC6956704",
   note="31 L3 vertebrae, donors 75 +- 10 (men) and 76 +- 10 (women) years")
_R("Goodpaster2006", authors="Goodpaster BH, Park SW, Harris TB et al.", year=2006,
   title="The loss of skeletal muscle strength, mass, and quality in older adults: the Health, Aging and Body Composition Study",
   journal="J Gerontol A Biol Sci Med Sci", volume="61", pages="1059-1064", url="https://pubmed.ncbi.nlm.nih.gov/17077199/",
   note="abstract: annualized leg-strength decline 2.6 %/y white women, 3.0 %/y black women, 3.4 %/y white men (3 y, n = 1880, 70-79 y)")
_R("Hunter2000", authors="Hunter SK, Thompson MW, Adams RD", year=2000,
   title="Relationships among age-associated strength changes and physical activity level, limb dominance, and muscle group in women",
   journal="J Gerontol A Biol Sci Med Sci", volume="55", pages="B264-B273",
   url="https://studyres.com/doc/15710883/relationships-among-age-associated-strength-changes-and",
   note="217 women 20-89 y: linear strength falls of 9.3 (knee extensors), 7.4 (plantar flexors), 6.2 (handgrip) %/decade")
_R("MassyWestropp2011", authors="Massy-Westropp NM, Gill TK, Taylor AW, Bohannon RW, Hill CL", year=2011,
   title="Hand grip strength: age and gender stratified normative data in a population-based study",
   journal="BMC Res Notes", volume="4", pages="127",
   note="grip strength peaks in the 30s-40s and declines from ~50 (normative data, n = 2678); numbers recalled, not read")
_R("SchafflerBurr1988", authors="Schaffler MB, Burr DB", year=1988,
   title="Stiffness of compact bone: effects of porosity and density", journal="J Biomech", volume="21", pages="13-16")


_A = "assumption"


_FITTED = FittedValues(
    "natural_history_fit.json",
    "fitted by osteosim.calibration.joint (with the drug effects) to calibration-targets.csv rows 1b, 2b, 5a, 5b, 8 "
    "(SWAN, Guthrie 1998, FREEDOM placebo) and the pivotal-trial C rows",
    ("Greendale2012", "Guthrie1998"),
)
_fit = _FITTED.param
_RADIUS_FIT = FittedValues(
    "radius_fit.json",
    "fitted by osteosim.calibration.radius to calibration-targets.csv rows 90a, 90b, 90c, 90d, 90e (distal forearm BMD "
    "loss after menopause and with age: Svejme 2012, Tromso/Emaus 2006) and 90g, 90h (distal-radius trabecular vBMD "
    "loss over adult life: Riggs 2004, Khosla 2006), every other parameter fixed",
    ("Svejme2012", "Emaus2006", "Riggs2004", "Khosla2006"),
)
_STRENGTH_FIT = FittedValues(
    "strength_fit.json",
    "fitted by osteosim.calibration.strength: the mineral exponent to calibration-targets.csv rows 81a, 81b (FREEDOM QCT "
    "finite-element strength, denosumab minus placebo at 36 months, Keaveny 2014), the trabecular weights from the "
    "measured trabecular strength shares at the reference woman of strength_share_reference_age, jointly",
    ("Keaveny2014", "Currey1988", "Eswaran2006", "Werner1988"),
)

_PERFORATION_FIT = FittedValues(
    "perforation_fit.json",
    "fitted by osteosim.calibration.perforation: the untreated reference woman's lumbar-spine cancellous connectivity at "
    "85 y relative to 41 y equals the vertebral trabecular number ratio of women 80-89 vs 33-49 y (L3 autopsies, "
    "VertebralTrabeculaeAging: bone area over mean trabecular width, both planes); the fracture-strength weights "
    "from trabecular_strength_share_<site> at the reference woman of strength_share_reference_age",
    ("VertebralTrabeculaeAging",),
)

_CAVITY_FIT = FittedValues(
    "cavity_fit.json",
    "derived by osteosim.calibration.cavity: cavity_strength_loss_<site> (CavityMicroFE2012 micro-FE) over the "
    "remodeling space per bone volume of the model's untreated reference woman (calibration.cavity.REFERENCE)",
    ("CavityMicroFE2012",),
)

YEAR = 365.25
#: literature prior (and fit start) of the radius turnover: almost all cortical bone (Parfitt 2002)
RADIUS_TURNOVER_PRIOR = 0.04 / YEAR
#: prior (and fit start) and bounds of the radius's apparent-strain exponent (Ahlborg 2003, see the parameter)
RADIUS_STRAIN_EXPONENT_PRIOR = 0.74
RADIUS_STRAIN_EXPONENT_BOUNDS = (0.0, 2.0)
#: prior (and fit start) and bounds of the radius's effective cancellous turnover ratio (see the parameter)
RADIUS_CANCELLOUS_RATIO_PRIOR = 1.0
RADIUS_CANCELLOUS_RATIO_BOUNDS = (0.1, 8.0)

_EXT = [
    # --- sites: turnover and mineralization -------------------------------------------------------
    _fit("turnover_lumbar_spine", 0.13 / YEAR, "1/day", "bone turnover (fraction of bone volume remodelled per day) at the lumbar spine (L1-L4 DXA region)", (0.05 / YEAR, 0.3 / YEAR), "~45 % cancellous x 25 %/y + cortical x 3 %/y (Parfitt 2002)"),
    _fit("turnover_total_hip", 0.10 / YEAR, "1/day", "bone turnover at the total hip", (0.03 / YEAR, 0.25 / YEAR), "~30 % cancellous (Parfitt 2002)"),
    _fit("turnover_femoral_neck", 0.085 / YEAR, "1/day", "bone turnover at the femoral neck", (0.03 / YEAR, 0.25 / YEAR), "~25 % cancellous (Parfitt 2002)"),
    # the radius is fitted on its own (calibration.radius), the other sites' values fixed
    _RADIUS_FIT.param("turnover_distal_radius", RADIUS_TURNOVER_PRIOR, "1/day",
                      "bone turnover at the distal radius (33 % radius DXA region)", (0.01 / YEAR, 0.5 / YEAR),
                      "~5 % cancellous x 25 %/y + cortical x 3 %/y = 0.04/y (Parfitt 2002; the one-third radius is almost "
                      "all cortical bone)"),
    # cancellous share of each DXA region's bone (Parfitt 2002, as in the turnover priors above): the
    # surfaces where the anabolic drugs' modeling-based formation lands (Osteosim._modeling_formation)
    P("cancellous_fraction_lumbar_spine", 0.45, "1", "Parfitt 2002: ~45 % of the L1-L4 DXA region is cancellous (vertebral bodies 60-80 % trabecular by mass, Eswaran 2006; posterior elements cortical)", "cancellous fraction of the lumbar spine DXA region", ("Parfitt2002",)),
    P("cancellous_fraction_total_hip", 0.30, "1", "Parfitt 2002: ~30 % cancellous", "cancellous fraction of the total hip DXA region", ("Parfitt2002",)),
    P("cancellous_fraction_femoral_neck", 0.25, "1", "Parfitt 2002: ~25 % cancellous (QCT: 33 % at the mid-neck section, Invest Radiol 1997;32:83)", "cancellous fraction of the femoral neck DXA region", ("Parfitt2002",)),
    P("cancellous_fraction_distal_radius", 0.05, "1", "Parfitt 2002: the one-third radius is almost all cortical bone (~5 % cancellous)", "cancellous fraction of the one-third radius DXA region", ("Parfitt2002",)),
    # apparent-strain exponent of the mechanostat: the strain a site's habitual load causes ~ (bv m)^-q
    *(P(f"strain_bmd_exponent_{site}", 2.0, "1", f"{_A}: apparent modulus ~ apparent density^2 (Carter & Hayes 1977); the "
        "natural-history and drug fits are made with it", f"q in apparent strain ~ load / (bv mineral)^q, {site}",
        ("CarterHayes1977",)) for site in ("lumbar_spine", "total_hip", "femoral_neck")),
    _RADIUS_FIT.param("strain_bmd_exponent_distal_radius", RADIUS_STRAIN_EXPONENT_PRIOR, "1",
                      "q in apparent strain ~ load / (bv mineral)^q at the distal radius", RADIUS_STRAIN_EXPONENT_BOUNDS,
                      "Ahlborg 2003 (108 women from the menopause, 15 y, SPA): the radius's BMD fell 1.9 %/y while its periosteal "
                      "diameter grew 0.7 %/y and the strength index fell only 0.7 %/y; with strain ~ 1 / strength index, "
                      "q = 2 x 0.7 / 1.9 = 0.74 (bending strain ~ 1 / section modulus: the outward drift of the cortex keeps "
                      "the long bone's strain where its mass alone would not)"),
    # cancellous over cortical turnover per bone volume, per site: the same cells act on both compartments, the
    # cancellous turning over R times faster per volume (its surface per volume, in red marrow)
    *(P(f"cancellous_turnover_ratio_{site}", 8.0, "1", "Parfitt 2002: cancellous bone turns over ~25 %/y and cortical "
        "~3 %/y per volume (the turnover priors above); the natural-history and drug fits are made with it",
        f"cancellous over cortical turnover per bone volume, {site}", ("Parfitt2002",))
      for site in ("lumbar_spine", "total_hip", "femoral_neck")),
    _RADIUS_FIT.param("cancellous_turnover_ratio_distal_radius", RADIUS_CANCELLOUS_RATIO_PRIOR, "1",
                      "effective cancellous over cortical turnover per bone volume at the distal radius",
                      RADIUS_CANCELLOUS_RATIO_BOUNDS,
                      "Parfitt 2002 (cancellous turnover is not always higher than cortical: it is high next to red marrow, "
                      "and the distal radius's cancellous bone lies in fatty marrow) and Zebaze 2010 (most of the radius's "
                      "loss is cortical, intracortical and endocortical, and the thinned endocortex becomes trabecular-like "
                      "bone that the cancellous compartment counts): ratio 1, log-SD ln 3; fitted with the forearm's "
                      "trabecular loss (Riggs 2004, Khosla 2006: about a quarter over adult life)"),
    P("bv_exponent", 1.0, "1", f"{_A}: remodelling acts on surfaces in proportion to the bone present, so loss and gain are relative rates", "sigma in dBV/dt = BV^sigma (...)"),
    P("mineral_new", 0.7, "1", f"{_A}: primary mineralization reaches ~70 % of the mature mineral content within days (Boivin 2000 discussion)", "mineral content of newly formed bone relative to the young-adult mean", ("Boivin2000",)),
    P("mineral_max", 1.11, "1", "Boivin 2000: 3 y of alendronate raised the mean degree of mineralization by ~11 %", "maximal mean mineral content relative to the young-adult mean", ("Boivin2000",)),
    # --- estrogen -------------------------------------------------------------------------------------
    P("estrogen_postmenopausal", 0.15, "1", "Randolph 2011 (SWAN): estradiol falls to ~10-20 % of premenopausal levels", "residual estrogen action after menopause", ("Randolph2011",)),
    P("menopause_estrogen_width", 0.5, "year", "Randolph 2011: the estradiol fall runs from ~2 y before to ~2 y after the FMP (logistic width 0.5 y gives 10-90 % over 2.2 y)", "logistic width of the menopausal estradiol fall", ("Randolph2011",)),
    P("surgical_estrogen_width", 0.01, "year", f"{_A}: oophorectomy removes ovarian estradiol within days", "logistic width after ovariectomy"),
    P("estrogen_male_young", 1.0, "1", f"{_A}: young men's skeletal estrogen action taken equal to premenopausal women's (Khosla 1998 shows E2 drives bone in men too)", "estrogen action, men at 25", ("Khosla1998",)),
    P("estrogen_male_decline_per_year", 0.47 / 60.0, "1/year", "Khosla 1998: bioavailable estradiol 47 % lower in men aged 85 than 25", "linear fall of estrogen action in men", ("Khosla1998",)),
    _fit("estrogen_rankl_gain", 1.5, "1", "RANKL production x (1 + gain * (1 - E))", (0.0, 6.0), "Eghbali-Fatourechi 2003: RANKL per marrow cell 2-3x in early postmenopausal women"),
    P("estrogen_oc_survival_gain", 0.3, "1", f"{_A} scaled from Hughes 1996 (estrogen doubles osteoclast apoptosis in vitro)", "osteoclast apoptosis x (1 - gain * (1 - E))", ("Hughes1996",)),
    P("estrogen_ocp_gain", 0.3, "1", f"{_A} scaled from Jilka 1992 (osteoclast development rises after OVX via IL-6)", "osteoclast precursor pool x (1 + gain * (1 - E))", ("Jilka1992",)),
    P("estrogen_commitment_gain", 0.2, "1", f"{_A}: estrogen favours osteogenic over adipogenic commitment; modest share", "osteogenic commitment x (1 - gain * (1 - E))"),
    _fit("pmo_rankl_amplitude", 2.0, "1", "amplitude of the post-menopausal RANKL transient (relative production)", (0.0, 8.0), "Scheiner 2014 / Martinez-Reina 2019 use a decaying PMO RANKL source"),
    _fit("pmo_halflife_years", 2.0, "year", "years after the FMP at which the transient has halved", (0.3, 8.0), "Martinez-Reina 2019: xi*tau ~ 5 y"),
    P("smoking_menopause_shift", 1.5, "year", f"{_A}: smokers reach natural menopause 1-2 y earlier (Law & Hackshaw 1997 discussion)", "earlier menopause in smokers", ("LawHackshaw1997",)),
    _fit("smoking_commitment_loss", 0.1, "1", "smokers' osteogenic commitment x (1 - loss (1 - E)): a direct action on bone after the menopause", (0.0, 0.9), "Law & Hackshaw 1997: smokers' extra postmenopausal loss (~2 %/decade, 6 % by 80) is not explained by estrogen, weight or menopause age (a direct action); premenopausal BMD is the same. Assumption: the action is on bone formation; with the mechanostat a loss x lowers BMD by about x / (2 x sclerostin_commitment_gain)"),
    P("smoking_estrogen_reduction", 0.15, "1", f"{_A}: anti-estrogenic effect of smoking (Law & Hackshaw 1997); sized to their ~2 %/decade extra postmenopausal loss", "relative reduction of estrogen action", ("LawHackshaw1997",)),
    # --- PTH set-point ----------------------------------------------------------------------------------
    P("vitd_sufficient", 30.0, "ng/mL", "Lips 2001: PTH rises as 25(OH)D falls below ~30 ng/mL", "25(OH)D above which PTH is not raised", ("Lips2001",)),
    P("pth_vitd_gain", 0.6, "1", f"{_A} sized from Lips 2001 (PTH 30-100 % higher in deficiency; +40 % at 10 ng/mL here)", "relative PTH rise at 25(OH)D = 0", ("Lips2001",)),
    P("calcium_adequate", 1000.0, "mg/day", "adult recommended calcium intake (IOM 2011)", "calcium intake above which PTH is not raised"),
    P("pth_calcium_gain", 0.4, "1", f"{_A}: low calcium intake raises PTH less than vitamin D deficiency (+24 % at 400 mg/day)", "relative PTH rise at zero calcium intake"),
    P("pth_age_slope", 0.005, "1/year", f"{_A}: serum PTH rises ~30 % between 25 and 85 (Lips 2001 review of age trends)", "PTH secretion rise per year of age after 25", ("Lips2001",)),
    # --- mechanostat / sclerostin ----------------------------------------------------------------------
    P("load_sedentary", 0.85, "1", f"{_A}: habitual load of a sedentary person relative to moderate activity", "activity load factor"),
    P("load_low", 0.93, "1", _A, "activity load factor, low activity"),
    P("load_high", 1.07, "1", _A, "activity load factor, high activity"),
    P("load_bmi_exponent", 0.5, "1", f"{_A}: body weight loads the hip and spine; sublinear because muscle forces dominate", "load ~ (BMI/25)^exponent"),
    P("muscle_decline_onset", 65.0, "year", f"{_A}: leg strength falls slowly in middle age and fast in old age (Hunter 2000: 9.3 %/decade of the young value across 20-89 y; Goodpaster 2006: 2.6 %/y at 70-79); the accelerating part is taken to start at 65", "age from which habitual muscle loading falls", ("Hunter2000", "Goodpaster2006")),
    P("muscle_decline_rate", 0.026 / 10.0, "1/year^2", "Goodpaster 2006 (Health ABC, n = 1880, 3 y): knee-extensor strength fell 2.6 %/y in white women aged 70-79; the relative rate k (age - onset) gives that at 75 and ~5 %/y at 85-89 (assumption: the rise continues)", "k in muscle strength = exp(-k (age - onset)^2 / 2)", ("Goodpaster2006",)),
    _fit("load_muscle_coupling", 1.0, "1", "habitual bone load ~ muscle strength^coupling (the share of the strength loss that reaches the bone's strain)", (0.0, 3.0), "muscle forces dominate skeletal loads (Frost's mechanostat); 1 = load falls with strength"),
    P("sclerostin_exponent", 1.0, "1", f"{_A}: osteocyte Sost falls with strain (Robling 2008); sclerostin ~ stimulus^-n", "n in sclerostin = psi^-n", ("Robling2008",)),
    _fit("sclerostin_commitment_gain", 0.3, "1", "osteogenic commitment x sclerostin^-gain (Wnt inhibition)", (0.0, 3.0), "weak mechanostat: deficits from early menopause persist for decades (lazy zone; Scheiner 2013 uses lambda = 1.25 on proliferation for overload)"),
    P("sclerostin_rankl_gain", 0.15, "1", f"{_A}: disuse raises RANKL (Scheiner 2013 adds RANKL production in disuse)", "RANKL production x sclerostin^gain", ("Scheiner2013",)),
    # --- lineage: MSC pool, commitment, marrow fat, osteoclast precursors --------------------------
    P("msc_age_decline", 0.0418, "1/year", "D'Ippolito 1999: osteoprogenitor (ALP+ CFU-F) frequency 4.5x lower at 41-70 y than at 3-36 y (ln 4.5 / 36 y)", "exponential fall of the marrow osteoprogenitor pool with age", ("DIppolito1999",)),
    _fit("msc_flux_exponent", 0.3, "1", "osteoblast supply ~ MSC pool^exponent (compensation by proliferation)", (0.0, 1.0), "D'Ippolito 1999 pool decline; bone-level effect smaller than the colony count"),
    P("msc_fat_exponent", 1.0, "1", "D'Ippolito 1999: the osteogenic share of marrow stromal cells falls with the osteoprogenitor pool while marrow fat rises (Griffith 2012: ~30 % young, 55-65 % in older women)", "osteogenic share ~ MSC pool^exponent", ("DIppolito1999", "Griffith2012")),
    P("msc_relaxation", 1.0 / YEAR, "1/day", f"{_A}: the pool follows its age target over about a year", "MSC pool relaxation rate"),
    P("osteogenic_share", 0.7, "1", f"{_A}: share of committing marrow stromal cells that enter the osteoblast lineage in young adults", "baseline osteogenic commitment"),
    P("marrow_fat_young", 0.30, "1", "Griffith 2012: vertebral marrow fat fraction ~30 % in young adults", "marrow fat fraction at 25", ("Griffith2012",)),
    P("adipocyte_turnover", 0.5 / YEAR, "1/day", f"{_A}: marrow adipocytes are long-lived (years)", "marrow adipocyte loss rate"),
    P("ocp_relaxation", 1.0 / 30.0, "1/day", f"{_A}: the osteoclast precursor pool adapts over weeks", "osteoclast precursor relaxation rate"),
    # --- glucocorticoids ---------------------------------------------------------------------------------
    P("gc_commitment_loss", 0.2, "1", f"{_A} sized from Weinstein 1998 (prednisone halves osteoblastogenesis in mice)", "osteogenic commitment x (1 - loss)", ("Weinstein1998",)),
    P("gc_oba_apoptosis_gain", 0.3, "1", f"{_A} sized from Weinstein 1998 (osteoblast apoptosis up ~3x)", "osteoblast apoptosis x (1 + gain)", ("Weinstein1998",)),
    P("gc_rankl_gain", 0.15, "1", f"{_A} sized from Hofbauer 1999 (RANKL up, OPG down in osteoblastic cells)", "RANKL production x (1 + gain)", ("Hofbauer1999",)),
    P("gc_opg_loss", 0.15, "1", f"{_A} sized from Hofbauer 1999", "OPG production x (1 - loss)", ("Hofbauer1999",)),
    # --- densitometry references and peak bone mass ------------------------------------------------
    P("peak_bmd_lumbar_spine", 1.064, "g/cm^2", "Looker 2012 (NHANES 2005-08 women 20-29, L1-L4; reference marks it 'verify all-race vs NH-white')", "young-adult female mean, lumbar spine", ("Looker2012",)),
    P("sd_bmd_lumbar_spine", 0.106, "g/cm^2", "Looker 2012", "young-adult female SD, lumbar spine", ("Looker2012",)),
    P("peak_bmd_total_hip", 0.942, "g/cm^2", "Looker 1998 (NHANES III NH-white women 20-29)", "young-adult female mean, total hip", ("Looker1998",)),
    P("sd_bmd_total_hip", 0.122, "g/cm^2", "Looker 1998", "young-adult female SD, total hip", ("Looker1998",)),
    P("peak_bmd_femoral_neck", 0.858, "g/cm^2", "Looker 1998; Kanis 2008 makes it the T-score reference for women and men", "young-adult female mean, femoral neck", ("Looker1998", "Kanis2008")),
    P("sd_bmd_femoral_neck", 0.120, "g/cm^2", "Looker 1998", "young-adult female SD, femoral neck", ("Looker1998",)),
    P("peak_bmd_distal_radius", 0.681, "g/cm^2", f"{_A}: Hologic young-adult white-women reference of the 33 % radius, "
      "~0.68 g/cm^2 (Kelly 1990 manufacturer database, value recalled, not verified); NHANES does not measure the forearm",
      "young-adult female mean, distal radius (33 % region)", ("Kelly1990",)),
    P("sd_bmd_distal_radius", 0.055, "g/cm^2", f"{_A}: ~8 % of the mean: cortical forearm BMD varies less between young women "
      "than hip BMD (Looker 1998: SD 12-14 % of the mean); Kelly 1990 value recalled, not verified",
      "young-adult female SD, distal radius (33 % region)", ("Kelly1990",)),
    P("peak_z_male_lumbar_spine", -0.07, "SD", "Looker 2012: men 1.057 vs women 1.064 g/cm^2 at L1-L4", "peak LS BMD of men vs the female reference", ("Looker2012",)),
    P("peak_z_male_hip", 0.6, "SD", f"{_A}: young men's hip BMD ~0.6 SD above women's (NHANES III, Looker 1998, recalled)", "peak hip BMD of men vs the female reference", ("Looker1998",)),
    P("peak_z_male_distal_radius", 2.0, "SD", f"{_A}: young men's 33 % radius ~0.8 g/cm^2 against women's ~0.68 (Hologic "
      "reference, recalled): men's forearm bones are wider, so their areal BMD is ~2 female SDs higher",
      "peak distal-radius BMD of men vs the female reference", ("Kelly1990",)),
    P("peak_z_family_history", -0.3, "SD", f"{_A} sized from Seeman 1989 (daughters of osteoporotic women have lower spine and hip BMD)", "peak BMD shift with parental hip fracture", ("Seeman1989",)),
    P("peak_z_per_bmi", 0.04, "SD/(kg/m^2)", f"{_A}: heavier adults have higher BMD; 0.04 SD per BMI unit from 25", "peak BMD shift per BMI unit"),
    # --- markers and strength --------------------------------------------------------------------------
    # strength per site (outcomes.strength): S = w S_tb + (1 - w) S_ct, the cancellous and cortical compartments
    # sharing the load in parallel; S_tb = bvc^b_site minc^q, S_ct = bvk^b_ct mk^q, 1 at the young-adult peak.
    # Morgan 2003's modulus-density exponents do not differ significantly between sites (1.49-2.18), but
    # each site has its own fit; yield strain is nearly uniform within a site, so strength scales as modulus
    P("strength_exponent_lumbar_spine", 1.56, "1", "Morgan 2003 Table 2: vertebral trabecular bone (T10-L5, n = 61), E = 4730 rho^1.56 (r^2 0.73); strength ~ modulus (uniform yield strain within a site)", "trabecular strength ~ bvc^exponent at the lumbar spine", ("Morgan2003",)),
    P("strength_exponent_total_hip", 2.18, "1", "Morgan 2003 Table 2: greater trochanter (n = 23), E = 15010 rho^2.18 (r^2 0.82); the trochanteric region dominates total-hip cancellous bone (assumption)", "trabecular strength ~ bvc^exponent at the total hip", ("Morgan2003",)),
    P("strength_exponent_femoral_neck", 1.49, "1", "Morgan 2003 Table 2: femoral neck (n = 27), E = 6850 rho^1.49 (r^2 0.85)", "trabecular strength ~ bvc^exponent at the femoral neck", ("Morgan2003",)),
    P("strength_exponent_distal_radius", 1.56, "1", f"{_A}: Morgan 2003 has no radius; the vertebral exponent (1.56) of its low-density cancellous sites is taken for the ultradistal radius's cancellous bone (the site exponents 1.49-2.18 do not differ significantly)", "trabecular strength ~ bvc^exponent at the distal radius", ("Morgan2003",)),
    P("cortical_strength_exponent", 3.0, "1", "Currey 1988: the modulus of compact bone is roughly cubic in volume fraction (1 - porosity) (18 species); Schaffler & Burr 1988 find 10.9 over a narrow porosity range (the steep end); whole-bone cortical strength falls less than material stiffness where the periosteum expands (Ahlborg 2003), so the cubic law is taken; strength ~ modulus", "cortical strength ~ bvk^exponent (every site)", ("Currey1988", "SchafflerBurr1988", "Ahlborg2003")),
    _STRENGTH_FIT.param("strength_mineral_exponent", 3.0, "1", "strength ~ mineral^exponent (mean tissue mineralization at a given bone volume; both compartments)", (0.5, 6.0), "3, Currey 1988: the modulus of compact bone is roughly cubic in calcium content at a given volume fraction (18 species); log-SD ln 2"),
    # the share of a site's strength its trabecular bone carries, as measured in elderly bone (cadavers, micro-FE);
    # calibration.strength turns it into the young adult's weight w at the model's reference woman of that age
    P("strength_share_reference_age", 75.0, "year", "the donors of the load-sharing studies are elderly: Roux 2010 L3 vertebrae 75-76 y (PMC6956704), Fields 2011 T9 vertebrae 77.5 y (PMC3179351), Werner 1988 autopsy femora of women; assumption: 75 y, untreated woman, natural menopause at 51", "age of the reference woman at which trabecular_strength_share_<site> holds", ("Roux2010",)),
    P("trabecular_strength_share_lumbar_spine", 0.55, "1", "Eswaran 2006 (13 vertebrae, micro-FE): the cortical shell carries at most 38-54 % of the load (narrowest section; trabecular 76-89 % near the endplates); mid-vertebra micro-FE of T9 41 % (compression; the strength-and-fracture reference, PMC3415303); assumption: the shell carries 45 % of vertebral-body strength, trabecular bone 55 %", "trabecular share of vertebral strength in elderly bone", ("Eswaran2006",), (0.45, 0.65)),
    P("trabecular_strength_share_total_hip", 0.50, "1", "removal of the central trabecular bone of the proximal femur lowered its impact strength by about 50 % (autopsy femora; wbldb.lievers.net/10035936, Martens 1983, authors recalled); assumption: that removal share is the trabecular strength share of the trochanteric region", "trabecular share of total-hip (trochanteric) strength in elderly bone", ("Martens1983",), (0.3, 0.6)),
    P("trabecular_strength_share_femoral_neck", 0.40, "1", "Werner 1988: evacuating the femoral neck's trabecular bone (10 pairs of autopsy femora, women) removed 23.5 % of its BMC and 39.5 % of its strength (load on the head); cortex-dominated, as Holzer 2009 and Nawathe 2015 find", "trabecular share of femoral-neck strength in elderly bone", ("Werner1988",), (0.1, 0.5)),
    P("trabecular_strength_share_distal_radius", 0.40, "1", f"{_A}: wrist fractures break the ultradistal radius, where micro-FE of HR-pQCT sections finds the cortex's share of the failure load rising with its thickness (PMC3641900) and the trabecular share falling proximally (Pistoia, MacNeil & Boyd; values not retrieved); 0.40, as the femoral neck", "trabecular share of distal-radius strength in elderly bone", ("Werner1988",), (0.2, 0.6)),
    *(_STRENGTH_FIT.param(f"trabecular_strength_weight_{site}", 0.5, "1", f"trabecular share w of the young adult's strength, {site}", (0.0, 1.0), "derived from trabecular_strength_share_<site> at the reference woman of strength_share_reference_age") for site in ("lumbar_spine", "total_hip", "femoral_neck", "distal_radius")),
    # --- remodeling space and the resorption-cavity stress riser (outcomes.strength.fracture_strength) ----
    # T_F: mean time a resorbed volume stays unfilled (Little's law residence time), resorbed evenly
    # over R and refilled by mineralized bone evenly over F after a lag G: T_F = R/2 + G + F/2
    P("remodeling_refill_time", 27.0 / 2.0 + 8.0 + 100.0 / 2.0, "day", "R/2 + G + F/2 with R = 27 d (resorptive period) and G = 8 d (mineralization lag), Agerbaek 1991 (cortical iliac remodelling cycle), and F = 100 d (trabecular calcification period, Kragstrup 1983; cortical formative period 89 d, Agerbaek 1991); assumption: one BMU timing for every site and envelope", "mean refill time T_F of the remodeling space (drs/dt = J_res - rs/T_F)", ("Agerbaek1991", "Kragstrup1983"), (50.0, 150.0)),
    P("cavity_strength_loss_lumbar_spine", 0.18, "1", "CavityMicroFE2012 Table 1, human vertebra: cavities cost 8 % (random sites) to 28 % (high-strain sites) of cancellous strength; assumption: midpoint (real cavities are neither random nor all at strain peaks), bounds the two published cases", "cancellous strength lost to the cavities of the reference postmenopausal woman (calibration.cavity), lumbar spine", ("CavityMicroFE2012", "VanDerLinden2001"), (0.08, 0.28)),
    P("cavity_strength_loss_total_hip", 0.135, "1", "CavityMicroFE2012 Table 1, human femoral neck 8-19 %; assumption: the femoral-neck value stands for the whole proximal femur (no trochanteric micro-FE found), midpoint", "cancellous strength lost to the cavities of the reference postmenopausal woman, total hip", ("CavityMicroFE2012",), (0.08, 0.19)),
    P("cavity_strength_loss_femoral_neck", 0.135, "1", "CavityMicroFE2012 Table 1, human femoral neck: 8 % (random) to 19 % (high-strain); assumption: midpoint", "cancellous strength lost to the cavities of the reference postmenopausal woman, femoral neck", ("CavityMicroFE2012",), (0.08, 0.19)),
    P("cavity_strength_loss_distal_radius", 0.135, "1", "assumption: no micro-FE of radius cavities found; the ultradistal radius's cancellous bone is taken as the femoral neck's (CavityMicroFE2012: 8-19 %, midpoint); the cortical canals are porosity in the cortical volume (outcomes.strength)", "cancellous strength lost to the cavities of the reference postmenopausal woman, distal radius", ("CavityMicroFE2012",), (0.0, 0.19)),
    *(_CAVITY_FIT.param(f"cavity_coefficient_{site}", 3.0, "1", f"stress-riser coefficient c in C = (1 - c x) / (1 - c x0), x the cancellous remodeling space per cancellous bone, {site}", (0.0, 40.0), "cavity_strength_loss_<site> / (x of the reference woman)") for site in ("lumbar_spine", "total_hip", "femoral_neck", "distal_radius")),
    # --- trabecular perforation: connectivity lost for good (models.osteosim.perforation_rate, outcomes.strength) --
    P("perforation_depth_ratio", 59.4 / 155.0, "1", "mean resorption-cavity depth over the young adult's mean trabecular thickness: 59.4 um (Kragstrup 1983: wall thickness of completed iliac trabecular BMUs; in the balanced young adult a cavity is refilled to its depth) over 155 um (Vesterby 1989: iliac Tb.Th 155 +- 31 um; L3 women 33-49 y: 144-172 um, VertebralTrabeculaeAging); assumption: erosion depth = wall thickness, one ratio for every site and no change of depth with age or menopause", "cavity depth / young trabecular thickness (perforation when the ratio over the strut's relative thickness exceeds 1)", ("Kragstrup1983", "Vesterby1989", "VertebralTrabeculaeAging"), (0.2, 0.6)),
    P("perforation_spread", 0.4, "1", f"{_A}: SD of ln(cavity depth / strut thickness) over cavities and struts; strut thickness alone varies by SD 0.2 between people (Vesterby 1989: 155 +- 31 um) and more within one (L3: mode 111 um against means 144-172 um, VertebralTrabeculaeAging); 0.4 with cavity-depth variation", "spread of the perforation threshold (logistic with this SD)", ("Vesterby1989",), (0.2, 0.8)),
    _PERFORATION_FIT.param("perforation_gain", 1.0, "1", "struts perforated per unit of cancellous resorption at the chance a cavity is deeper than its strut", (0.0, 1e4), "1 (one perforation per resorbed strut volume at chance 1)"),
    P("perforation_reference_ratio", 0.56, "1", "women's L3 trabecular number at 80-89 y over 33-49 y, derived here from VertebralTrabeculaeAging (bone area ratio / mean width ratio): vertical 0.49 / (128/172) = 0.66, horizontal 0.36 / (112/144) = 0.46, mean 0.56; Khosla 2006 finds a smaller fall at the ultradistal radius (Tb.N -13 % at 20-90 y, HR-pQCT, partial-volume limited)", "target of calibration.perforation: lumbar-spine connectivity of the untreated reference woman at 85 y over 41 y", ("VertebralTrabeculaeAging", "Khosla2006")),
    *(_PERFORATION_FIT.param(f"fracture_strength_weight_{site}", 0.7, "1", f"trabecular share w_F of the young adult's fracture strength (with the struts: outcomes.strength.fracture_weight), {site}", (0.0, 1.0), "w / (w + (1 - w) conn^k) of the reference woman at strength_share_reference_age: the measured elderly trabecular share holds with the struts she has lost") for site in ("lumbar_spine", "total_hip", "femoral_neck", "distal_radius")),
    P("connectivity_strength_exponent", 1.0, "1", "derived here: Mosekilde 2000 whole vertebral strength falls 70-80 % with age while density falls 35-45 %; the cancellous law bvc^1.56 (Morgan 2003) at density 0.60 gives 0.45, leaving 0.25 / 0.45 = 0.56 to connectivity, whose fall is 0.56 (perforation_reference_ratio): k = ln 0.56 / ln 0.56 = 1.0 (range 0.45-1.6 over the published ranges); in cellular-solid terms strut removal then costs (b + k)/b = 1.6 times the strength of uniform thinning at the same mass loss (Vajjhala, Kraynik & Gibson 2000, J Biomech Eng 122:511, abstract read: strut removal lowers modulus and strength more than uniform thinning at the same density loss; a factor of 2-5, quoted but not read here, would give k up to 6, the steep end, not used)", "cancellous fracture strength ~ conn^exponent (outcomes.strength.fracture_strength)", ("Mosekilde2000", "Morgan2003"), (0.0, 6.0)),
]

OSTEOSIM2026 = ParameterSet.from_list(
    "Osteosim2026",
    list(PIVONKA2008.parameters.values()) + _EXT,
    citation_keys=("Pivonka2008", "BoneModels", "MartinezReina2019", "Scheiner2014", "Greendale2012"),
    description="Pivonka 2008 core with lifetime physiology, MSC lineage, four sites and mineralization.",
)
