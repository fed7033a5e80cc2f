"""Abaloparatide: daily SC PTHrP(1-34) analogue; enters the PTH channel as its teriparatide equivalent."""
from ..vocabulary import Therapy
from ..drug import Drug
from ..pk import AveragedRate

DRUG = Drug(
    therapy=Therapy(
        name="abaloparatide",
        drug_class="pth_analogue",
        description="PTHrP(1-34) analogue, daily SC injection (anabolic)",
        aliases=("abaloparatide", "tymlos", "eladynos", "abalo"),
        routes=("sc",),
        dose_units=("ug",),
        typical_doses={"ug": (80.0,)},
        schedules=("abaloparatide 80 ug daily for 18 months",),
        references=(
            "ACTIVE: Miller PD et al., JAMA 2016;316:722-733 (80 ug SC daily, 18 mo) [not in "
            "reference/clinical-background.md]",
            "Tymlos (abaloparatide) prescribing information: 80 ug SC daily",
        ),
    ),
    prefix="abalo",
    pk=AveragedRate(channel="teri_rate", scale=("abalo_equivalence",)),
    citation_keys=("TymlosLabel", "Peterson2004", "Jilka1999"),
    order=60,
)
