"""Teriparatide: daily SC PTH(1-34); the daily-averaged dose is the anabolic PTH channel (Forteo label)."""
from ..vocabulary import Therapy
from ..drug import Drug
from ..pk import AveragedRate

DRUG = Drug(
    therapy=Therapy(
        name="teriparatide",
        drug_class="pth_analogue",
        description="recombinant human PTH(1-34), daily SC injection (anabolic)",
        aliases=("teriparatide", "forteo", "forsteo", "pth 1-34", "pth(1-34)", "rhpth(1-34)", "teri"),
        routes=("sc",),
        dose_units=("ug",),
        typical_doses={"ug": (20.0, 40.0)},
        range_override={"ug": (2.0, 200.0)},
        schedules=("teriparatide 20 ug daily for 18 months", "teriparatide 20 ug daily for 24 months",
                   "teriparatide 20 ug daily for 18 months starting at 1 year"),
        references=(
            "Fracture Prevention Trial: Neer RM et al., N Engl J Med 2001;344:1434-1441 (20 or 40 ug SC daily; "
            "median 19 mo)",
            "Forteo (teriparatide) prescribing information: 20 ug SC daily",
            "Lindsay R et al., Arch Intern Med 2004;164:2024 (after stopping)",
        ),
        notes="plausible range 2..200 ug (10x the approved 20 ug)",
    ),
    prefix="teri",
    # the channel's reference drug (teriparatide-equivalent ug/day); half-life ~1 h, so daily doses average
    pk=AveragedRate(channel="teri_rate"),
    citation_keys=("ForteoLabel", "Peterson2004", "Jilka1999"),
    order=50,
)
