"""Vitamin D3 supplement (IU/day, averaged): raises 25(OH)D at the PTH set-point (Heaney 2003)."""
from ..vocabulary import Therapy
from ..drug import Drug
from ..pk import AveragedRate

DRUG = Drug(
    therapy=Therapy(
        name="vitamin d",
        drug_class="supplement",
        description="cholecalciferol (vitamin D3) supplement",
        aliases=("vitamin d", "vitamin d3", "vit d", "vitd", "cholecalciferol", "colecalciferol", "vitamin_d"),
        routes=("oral",),
        dose_units=("IU",),
        typical_doses={"IU": (400.0, 800.0, 1000.0, 2000.0, 50000.0)},
        conversions={"ug": ("IU", 40.0)},
        schedules=("vitamin d 800 IU daily", "vitamin d 50000 IU monthly for 1 year"),
        references=(
            "given to every arm of FIT, HORIZON-PFT, FREEDOM (>= 400 IU/d), FRAME: clinical-background.md A4",
            "IOM 2011 Dietary Reference Intakes: 600-800 IU/d",
            "Heaney RP et al., Am J Clin Nutr 2003;77:204-210 (dose-response of 25(OH)D)",
        ),
        notes="masses convert at 1 ug = 40 IU",
    ),
    prefix="vitd",
    pk=AveragedRate(channel="vitd_supplement"),
    citation_keys=("Heaney2003",),
    order=100,
)
