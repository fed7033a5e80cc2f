"""Denosumab: anti-RANKL antibody; SC depot and target-mediated elimination (the model's antibody state)."""
from ..vocabulary import Therapy
from ..drug import Drug
from ..pk import TargetMediated

DRUG = Drug(
    therapy=Therapy(
        name="denosumab",
        drug_class="anti_rankl",
        description="fully human anti-RANKL monoclonal antibody, SC every 6 months",
        aliases=("denosumab", "prolia", "dmab", "den"),
        routes=("sc",),
        dose_units=("mg",),
        typical_doses={"mg": (60.0,)},
        schedules=("denosumab 60 mg every 6 months for 3 years", "denosumab 60 mg twice yearly for 10 years"),
        references=(
            "FREEDOM: Cummings SR et al., N Engl J Med 2009;361:756-765 (NCT00089791; 60 mg SC every 6 months, 36 mo)",
            "McClung MR et al., N Engl J Med 2006;354:821 (phase 2 dose ranging)",
            "Stopping: Cummings SR et al., J Bone Miner Res 2018;33:190-198",
            "Prolia (denosumab) prescribing information: 60 mg SC every 6 months",
        ),
    ),
    prefix="den",
    pk=TargetMediated(channel="den_conc", absorption="den_ka", bioavailability="den_F", volume="den_V",
                      elimination="den_kel", vmax="den_vmax", km="den_km"),
    citation_keys=("ProliaLabel", "Peterson2004", "MartinezReina2019", "McDonald2021"),
    order=40,
)
