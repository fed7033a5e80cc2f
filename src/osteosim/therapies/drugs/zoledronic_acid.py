"""Zoledronic acid: yearly IV bisphosphonate; each dose binds to bone at once (Reclast label)."""
from ..vocabulary import Therapy
from ..drug import Drug
from ..pk import BolusBonePool

DRUG = Drug(
    therapy=Therapy(
        name="zoledronic acid",
        drug_class="bisphosphonate",
        description="intravenous bisphosphonate, once yearly (15-minute infusion)",
        aliases=("zoledronic acid", "zoledronate", "zoledronic", "zol", "reclast", "aclasta"),
        routes=("iv",),
        dose_units=("mg",),
        typical_doses={"mg": (5.0,)},
        schedules=("zoledronic acid 5 mg yearly for 3 years", "zoledronic acid 5 mg once"),
        references=(
            "HORIZON-PFT: Black DM et al., N Engl J Med 2007;356:1809-1822 (NCT00049829; 5 mg IV over 15 min "
            "at months 0, 12, 24)",
            "HORIZON-RFT: Lyles KW et al., N Engl J Med 2007;357:1799",
            "Reclast (zoledronic acid) prescribing information: 5 mg IV over no less than 15 minutes once yearly",
        ),
        # Reclast label and HORIZON-PFT: 5 mg over (no less than) 15 minutes
        infusion_minutes=15.0,
        notes="each dose is a 15-minute infusion (DosingBlock duration 15/1440 d)",
    ),
    prefix="zol",
    pk=BolusBonePool(fraction=("zol_potency", "zol_F_bone")),
    citation_keys=("ReclastLabel", "Russell2008"),
    order=30,
)
