"""Risedronate: oral bisphosphonate; averaged loading of the bone-bound pool (Actonel label)."""
from ..vocabulary import Therapy
from ..drug import Drug
from ..pk import AveragedBonePool

DRUG = Drug(
    therapy=Therapy(
        name="risedronate",
        drug_class="bisphosphonate",
        description="oral nitrogen-containing bisphosphonate",
        aliases=("risedronate", "risedronic acid", "risedronate sodium", "actonel", "ris"),
        routes=("oral",),
        dose_units=("mg",),
        typical_doses={"mg": (5.0, 35.0, 75.0, 150.0)},
        schedules=("risedronate 5 mg daily for 3 years", "risedronate 35 mg weekly for 3 years",
                   "risedronate 150 mg monthly for 3 years"),
        references=(
            "VERT-NA: Harris ST et al., JAMA 1999;282:1344-1352 (5 mg/d, 3 y)",
            "VERT-MN: Reginster J-Y et al., Osteoporos Int 2000;11:83-91",
            "HIP: McClung MR et al., N Engl J Med 2001;344:333-340",
            "Actonel (risedronate) prescribing information: 5 mg daily, 35 mg weekly, 150 mg monthly",
        ),
    ),
    prefix="ris",
    pk=AveragedBonePool(fraction=("ris_F_bone", "ris_potency")),
    citation_keys=("ActonelLabel", "Russell2008"),
    order=20,
)
