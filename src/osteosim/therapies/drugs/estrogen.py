"""Estrogen / menopausal hormone therapy, dosed as conjugated equine estrogens (CEE) mg/day (averaged)."""
from ..vocabulary import Therapy
from ..drug import Drug
from ..pk import AveragedRate

DRUG = Drug(
    therapy=Therapy(
        name="estrogen",
        drug_class="hormone_therapy",
        description="menopausal hormone therapy, dosed as conjugated equine estrogens (CEE) per day",
        aliases=("estrogen", "oestrogen", "estrogens", "hormone therapy", "hormone replacement therapy",
                 "menopausal hormone therapy", "hrt", "ht", "mht", "cee", "conjugated estrogens",
                 "conjugated equine estrogens", "premarin"),
        routes=("oral",),
        dose_units=("mg",),
        typical_doses={"mg": (0.3, 0.45, 0.625, 1.25)},
        schedules=("estrogen 0.625 mg daily for 5 years",),
        references=(
            "WHI: Rossouw JE et al., JAMA 2002;288:321-333 (CEE 0.625 mg + MPA 2.5 mg daily)",
            "WHI BMD/fracture: Cauley JA et al., JAMA 2003;290:1729-1738",
            "Stopping: Karim R et al. 2011 (PMC3511047)",
        ),
        notes="doses are CEE-equivalent mg/day; a progestin (for women with a uterus) has no bone effect here",
    ),
    prefix="est",
    # the effect strength (est_ed50) is fitted to the WHI rows of calibration-targets.csv
    pk=AveragedRate(channel="est_rate"),
    citation_keys=(),
    order=80,
)
