"""Published fracture outcomes of the pivotal trials, for the side-by-side report.

These are *not* calibration inputs: the fracture model (osteosim.outcomes.fracture) is built
from epidemiological relative risks and incidences only, and a treatment reaches it only
through the simulated BMD.  A template's simulated placebo incidence and relative risk are
therefore predictions, and the comparison shows how far the mechanism carries.

Each entry: trial key (as ``TrialSpec.published``), fracture kind of the simulation, month of
the published count, placebo and treated incidence (% of patients with >= 1 fracture; None
where the paper gives only a ratio), the published ratio and its 95 % CI (None where the
source gives none), what the ratio is (RR or HR), the source and the stored page the numbers
were read from.  Kinds: FREEDOM counts "new or worsening" and FIT-1 and the FPT "new"
morphometric vertebral fractures (our ``vertebral``); WHI counts all clinical fractures over a
mean 5.6 years (our ``any`` also holds silent morphometric vertebral fractures, and a
template shorter than the trial is compared at its end).
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PublishedFracture", "PUBLISHED_FRACTURES"]


@dataclass(frozen=True)
class PublishedFracture:
    trial: str
    kind: str
    month: float
    placebo_pct: float | None
    treated_pct: float | None
    ratio: float
    ci: tuple[float, float] | None
    measure: str
    source: str
    note: str = ""


_FREEDOM = ("Austin M et al., J Bone Miner Res 2012;27:687-693, Table 2 (FREEDOM; PMC3415619): new or worsening "
            "vertebral fractures in 3691 placebo / 3702 denosumab women, nonvertebral in 3906 / 3902")
_FIT1 = "Black DM et al., Lancet 1996;348:1535-1541 (FIT-1; PubMed 8950879), abstract"
_FPT = "Neer RM et al., N Engl J Med 2001;344:1434-1441 (Fracture Prevention Trial), abstract; median observation 21 months"
_FRAME = ("Cosman F et al., N Engl J Med 2016;375:1532-1543 (FRAME), as reported by the FRAME/ARCH vertebral-severity "
          "analysis (discovery.researcher.life abstract); ratio computed from the incidences")
_WHI = "Cauley JA et al., JAMA 2003;290:1729-1738 (WHI E+P; PubMed 14519707), abstract; mean follow-up 5.6 years"

PUBLISHED_FRACTURES: tuple[PublishedFracture, ...] = (
    PublishedFracture("freedom", "vertebral", 12, 100 * 82 / 3691, 100 * 32 / 3702, 0.39, (0.26, 0.58), "RR", _FREEDOM),
    PublishedFracture("freedom", "vertebral", 24, 100 * 183 / 3691, 100 * 53 / 3702, 0.29, (0.21, 0.39), "RR", _FREEDOM),
    PublishedFracture("freedom", "vertebral", 36, 100 * 264 / 3691, 100 * 86 / 3702, 0.32, (0.26, 0.41), "RR", _FREEDOM),
    PublishedFracture("freedom", "nonvertebral", 36, 100 * 293 / 3906, 100 * 238 / 3902, 0.80, (0.67, 0.95), "HR", _FREEDOM),
    PublishedFracture("fit1", "vertebral", 36, 15.0, 8.0, 0.53, (0.41, 0.68), "RR", _FIT1),
    PublishedFracture("fit1", "hip", 36, None, None, 0.49, (0.23, 0.99), "HR", _FIT1),
    PublishedFracture("fpt", "vertebral", 21, 14.0, 5.0, 0.35, (0.22, 0.55), "RR", _FPT),
    PublishedFracture("fpt", "nonvertebral", 21, 6.0, 3.0, 0.47, (0.25, 0.88), "RR", _FPT,
                      "published: nonvertebral fragility fractures"),
    PublishedFracture("frame", "vertebral", 12, 1.8, 0.5, 0.5 / 1.8, None, "RR", _FRAME),
    PublishedFracture("frame", "vertebral", 24, 2.5, 0.6, 0.6 / 2.5, None, "RR", _FRAME,
                      "both arms on denosumab in year 2"),
    PublishedFracture("whi", "any", 67, 11.1, 8.6, 0.76, (0.69, 0.83), "HR", _WHI,
                      "published: all clinical fractures over 5.6 years"),
)
