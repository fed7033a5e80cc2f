"""Alendronate: oral bisphosphonate; averaged loading of the bone-bound pool (Fosamax label)."""
from ..vocabulary import Therapy
from ..drug import Drug
from ..pk import AveragedBonePool

DRUG = Drug(
    therapy=Therapy(
        name="alendronate",
        drug_class="bisphosphonate",
        description="oral nitrogen-containing bisphosphonate",
        aliases=("alendronate", "alendronic acid", "alendronate sodium", "fosamax", "aln"),
        routes=("oral",),
        dose_units=("mg",),
        typical_doses={"mg": (5.0, 10.0, 35.0, 70.0)},
        schedules=("alendronate 70 mg weekly for 3 years", "alendronate 10 mg daily for 3 years",
                   "alendronate 5 mg daily for 2 years"),
        references=(
            "FIT-1: Black DM et al., Lancet 1996;348:1535-1541 (5 mg/d for 24 mo then 10 mg/d; 36 mo)",
            "FIT-2: Cummings SR et al., JAMA 1998;280:2077-2082",
            "ARCH: Saag KG et al., N Engl J Med 2017;377:1417-1427 (alendronate 70 mg weekly comparator)",
            "Fosamax (alendronate) prescribing information: 10 mg daily or 70 mg weekly (treatment), "
            "5 mg daily or 35 mg weekly (prevention)",
        ),
    ),
    prefix="aln",
    # the reference bisphosphonate: its bound mg are the pool's unit (potency 1)
    pk=AveragedBonePool(fraction=("aln_F_bone",)),
    citation_keys=("FosamaxLabel", "Russell2008"),
    order=10,
)
