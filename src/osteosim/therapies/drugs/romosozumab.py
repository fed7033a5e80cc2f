"""Romosozumab: monthly SC anti-sclerostin antibody; linear one-compartment PK (Evenity label)."""
from ..vocabulary import Therapy
from ..drug import Drug
from ..pk import LinearDepot

DRUG = Drug(
    therapy=Therapy(
        name="romosozumab",
        drug_class="anti_sclerostin",
        description="humanised anti-sclerostin monoclonal antibody, SC monthly for 12 doses",
        aliases=("romosozumab", "evenity", "romo"),
        routes=("sc",),
        dose_units=("mg",),
        typical_doses={"mg": (210.0,)},
        schedules=("romosozumab 210 mg monthly for 12 months",),
        references=(
            "FRAME: Cosman F et al., N Engl J Med 2016;375:1532-1543 (NCT01575834; 210 mg SC monthly, 12 mo, "
            "then denosumab)",
            "ARCH: Saag KG et al., N Engl J Med 2017;377:1417-1427 (NCT01631214; vs alendronate 70 mg weekly)",
            "Evenity (romosozumab) product information: 210 mg SC monthly for 12 doses",
        ),
    ),
    prefix="romo",
    pk=LinearDepot(channel="romo_conc", bioavailability="romo_F", absorption="romo_ka", elimination="romo_kel",
                   volume="romo_V"),
    citation_keys=("EvenityLabel",),
    order=70,
)
