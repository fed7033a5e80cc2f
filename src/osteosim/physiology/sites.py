"""The skeletal sites: the one list every layer reads.

Each site is declared once, as one :class:`Site` row: its name (the suffix of every per-site
parameter, model state and output column), its labels, where the young-adult reference of its
T-score comes from (the parameters holding mean and SD, the men's peak offset, the citation
keys of the reference population), which fracture kinds take their BMD from it, and the
parameter holding the DXA precision a virtual trial applies to its scans.

Adding a site: one row in :data:`SITE_TABLE` (at the end: the trial populations draw each site's
random numbers in this order) plus the per-site parameters the row names and the model's per-site
parameters (``turnover_<site>``, ``cancellous_fraction_<site>``, ``cancellous_turnover_ratio_<site>``,
``strain_bmd_exponent_<site>``, ``strength_exponent_<site>``, ``msc_marrow_volume_<site>``, the population's
mean T-score by age in ``outcomes.fracture.FractureModel.mean_tscore``); the model's states, the Patient's measured-baseline fields and the output columns follow :data:`SITES`.  A
site that is not ``skeleton_wide`` (the distal radius) is local: it does not enter the quantities
that stand for the whole skeleton (the osteoclast precursor pool's RANK signal, serum CTX and
P1NP), so adding it leaves every other site's numbers as they were.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Site", "SITE_TABLE", "SITES", "SITE_BY_NAME", "SKELETON_WIDE_SITES", "site", "site_for_fracture",
           "FRACTURE_SITE_KINDS"]


@dataclass(frozen=True)
class Site:
    """One skeletal site (DXA region) of the model."""

    #: identifier: suffix of the per-site parameters, states and columns (``bmd_<name>``)
    name: str
    #: label for people ("Lumbar spine")
    label: str
    #: two-letter abbreviation for compact legends and tables ("LS")
    abbr: str
    #: line colour of the site in figures
    color: str
    #: parameter holding the young-adult female mean BMD (g/cm^2) of the T-score reference
    reference_mean: str
    #: parameter holding the young-adult female SD (g/cm^2) of the T-score reference
    reference_sd: str
    #: parameter holding the young-adult peak of men relative to the female reference (SD)
    male_peak_z: str
    #: citation keys of the reference population
    reference_cite: tuple[str, ...]
    #: fracture kinds (outcomes.fracture.KINDS) whose hazard reads this site's BMD
    fracture_kinds: tuple[str, ...]
    #: parameter (Population2026) holding the DXA precision (coefficient of variation) per scan in trials
    dxa_precision: str
    #: whether the site stands for the skeleton in skeleton-wide quantities (the osteoclast
    #: precursor pool's mean RANK activation, serum CTX/P1NP); False for a small peripheral site
    skeleton_wide: bool = True

    @property
    def lower_label(self) -> str:
        """The label inside a sentence ("lumbar spine")."""
        return self.label[:1].lower() + self.label[1:]


#: the sites, in the model's order (states, columns and tables follow it)
SITE_TABLE: tuple[Site, ...] = (
    Site("lumbar_spine", "Lumbar spine", "LS", "#1f77b4", "peak_bmd_lumbar_spine", "sd_bmd_lumbar_spine",
         "peak_z_male_lumbar_spine", ("Looker2012",), ("vertebral",), "dxa_precision_ls"),
    Site("total_hip", "Total hip", "TH", "#9467bd", "peak_bmd_total_hip", "sd_bmd_total_hip",
         "peak_z_male_hip", ("Looker1998",), (), "dxa_precision_th"),
    # Kanis 2008: the femoral neck (NHANES III women 20-29) is the reference site for women and men
    Site("femoral_neck", "Femoral neck", "FN", "#8c564b", "peak_bmd_femoral_neck", "sd_bmd_femoral_neck",
         "peak_z_male_hip", ("Looker1998", "Kanis2008"), ("hip", "other"), "dxa_precision_fn"),
    # ISCD 2013: the 33 % ("one-third") radius of the non-dominant forearm is the forearm region for
    # diagnosis.  A peripheral, mostly cortical site (the forearm holds a few % of the skeleton):
    # local, so the skeleton-wide pools and markers keep reading the three sites above.  Its
    # wrist fractures read its BMD (Marshall 1996: the radius predicts forearm fractures best).
    Site("distal_radius", "Distal radius (1/3)", "DR", "#2ca02c", "peak_bmd_distal_radius", "sd_bmd_distal_radius",
         "peak_z_male_distal_radius", ("ISCD2013", "Kelly1990"), ("wrist",), "dxa_precision_dr", skeleton_wide=False),
)

#: site names in order
SITES: tuple[str, ...] = tuple(s.name for s in SITE_TABLE)
SITE_BY_NAME: dict[str, Site] = {s.name: s for s in SITE_TABLE}
#: the sites that stand for the whole skeleton (see :attr:`Site.skeleton_wide`), in order
SKELETON_WIDE_SITES: tuple[str, ...] = tuple(s.name for s in SITE_TABLE if s.skeleton_wide)
#: fracture kind -> the site whose BMD enters its hazard
FRACTURE_SITE_KINDS: dict[str, str] = {k: s.name for s in SITE_TABLE for k in s.fracture_kinds}


def site(name: str) -> Site:
    """The declaration of site ``name``; an unknown name is an error that lists the allowed ones."""
    try:
        return SITE_BY_NAME[name]
    except KeyError:
        raise ValueError(f"site: {name!r} is not allowed; allowed: {', '.join(SITES)}") from None


def site_for_fracture(kind: str) -> str:
    """The site whose BMD drives the hazard of fracture ``kind`` (vertebral, hip, wrist, other)."""
    try:
        return FRACTURE_SITE_KINDS[kind]
    except KeyError:
        raise ValueError(f"fracture kind: {kind!r} is not allowed; allowed: {', '.join(FRACTURE_SITE_KINDS)}") from None
