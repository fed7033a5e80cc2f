"""Raloxifene: oral SERM, a partial estrogen agonist on bone; the daily-averaged absorbed dose (Evista label)."""
from ..vocabulary import Therapy
from ..drug import Drug
from ..pk import AveragedRate

DRUG = Drug(
    therapy=Therapy(
        name="raloxifene",
        drug_class="serm",
        description="selective estrogen receptor modulator, daily tablet (estrogen agonist on bone)",
        aliases=("raloxifene", "raloxifene hydrochloride", "raloxifene hcl", "evista", "rlx"),
        routes=("oral",),
        dose_units=("mg",),
        typical_doses={"mg": (30.0, 60.0, 120.0, 150.0)},
        schedules=("raloxifene 60 mg daily for 3 years",),
        references=(
            "MORE: Ettinger B et al., JAMA 1999;282:637-645 (60 or 120 mg/d vs placebo, 36 months; PubMed 10451515)",
            "Delmas PD et al., N Engl J Med 1997;337:1641-1647 (30, 60 or 150 mg/d, 24 months)",
            "Evista (raloxifene) prescribing information: 60 mg orally once daily",
        ),
        notes="60 mg/d is the approved dose; the dose-ranging trials gave 30-150 mg/d",
    ),
    prefix="ralox",
    # half-life 27.7 h (Evista label): daily tablets reach steady state within a week, so the
    # daily-averaged absorbed dose (x 2 % bioavailability) drives the effect
    pk=AveragedRate(channel="serm_rate", scale=("ralox_F",)),
    citation_keys=("EvistaLabel", "Delmas1997", "Reid2004"),
    order=85,
)
