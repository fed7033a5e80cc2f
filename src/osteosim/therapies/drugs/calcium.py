"""Calcium supplement (elemental mg/day, averaged): adds to dietary calcium at the PTH set-point."""
from ..vocabulary import Therapy
from ..drug import Drug
from ..pk import AveragedRate

DRUG = Drug(
    therapy=Therapy(
        name="calcium",
        drug_class="supplement",
        description="elemental calcium supplement (mg of calcium, not of the salt)",
        aliases=("calcium", "calcium carbonate", "calcium citrate", "ca"),
        routes=("oral",),
        dose_units=("mg",),
        typical_doses={"mg": (500.0, 600.0, 1000.0, 1200.0)},
        schedules=("calcium 1000 mg daily", "calcium 500 mg twice daily for 3 years"),
        references=(
            "given to every arm of FIT, HORIZON-PFT, FREEDOM (>= 1000 mg/d), FRAME: clinical-background.md A4",
            "IOM 2011 Dietary Reference Intakes: 1000-1200 mg/d for women over 50",
        ),
    ),
    prefix="ca",
    pk=AveragedRate(channel="ca_supplement"),
    citation_keys=(),
    order=90,
)
