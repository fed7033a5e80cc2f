"""Fracture risk: per-site hazards with competing mortality, event sampling, 10-year probabilities.

Kinds: ``vertebral`` (new morphometric), ``hip``, ``wrist`` (distal forearm) and ``other``
non-vertebral (neither hip nor wrist: humerus, pelvis, ribs, ankle...).  For kind k the hazard (per
year) of a patient at age a is (FRAX-style Poisson model)::

    lambda_k = base_k(a, sex) * GR_k^(-z_k) / E[GR_k^(-Z)] * prod_j RR_kj^(x_j) / E[RR_kj^(X_j)] * M_k

* ``base_k``: incidence in the general population, exponential in age (Fracture2026); in a
  trial population (``setting="trial"``, the trial engine's default) times a fitted factor per
  vertebral / nonvertebral kind (osteosim.calibration.trial_fractures: trial volunteers break
  fewer bones than the cohorts the incidences come from);
* ``z_k``: the patient's *current* BMD as an age-matched Z-score at the site that
  :mod:`osteosim.physiology.sites` names for kind k (lumbar spine for vertebral, femoral
  neck for hip, wrist and other), from the model's BMD; ``GR_k`` the published gradient
  of risk per SD.  The divisions by the population means (Z ~ N(0, 1), risk factors at
  their reference prevalence, prior fracture included) make the population-average hazard
  equal the published incidence, so the inputs are reproduced when a reference population is simulated;
* ``x_j``: smoking, parental hip fracture, oral glucocorticoids (RR log-linear in age),
  and BMI when BMD is unknown (its effect is mediated by BMD otherwise, as in FRAX);
* ``M_k``: prior fractures: a prevalent fracture of unknown date gives the meta-analysis RR
  (a prevalent vertebral fracture 4x for vertebral); a fracture during the simulation gives
  the imminent risk ``m(tau) = late + (early - late) exp(-tau / decay)`` with ``early`` set
  so the mean over the first year is the published first-year RR.  A new vertebral fracture
  also makes the vertebral site-concordance RR apply.
* death competes (Gompertz hazard).

``FractureModel(hazard="strength")`` replaces the BMD term ``GR_k^(-z_k) / E[...]`` by the
load-over-strength (factor of risk) probit of :mod:`osteosim.outcomes.strength_hazard` at the
patient's log strength deviation from the age-matched population (placed at the start from z_k,
then followed with the patient's own strength change, given per kind to :func:`sample_events`)
over the population mean, so an untreated reference population keeps base_k's incidence.  The default
``hazard="bmd"`` is the model above, and the clinic calculator (``osteosim risk``) keeps it.

A treatment changes these hazards only through the BMD (and, with ``hazard="strength"``, the
strength) the model computes for the patient;
there is no drug-specific fracture multiplier.  Events are sampled per patient with one
uniform per kind and month from the patient's own stream, so two arms of one patient share
their draws (common random numbers) and a lower hazard can only remove events.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..parameters.fracture2026 import FRACTURE2026, POPULATION2026
from ..parameters.fracture_countries import CountryTables, country_tables
from ..physiology.sites import site_for_fracture
from .strength_hazard import HAZARDS, ProbitShape, population_log_strength

__all__ = ["KINDS", "ENDPOINT_KINDS", "NONVERTEBRAL_KINDS", "UNIFORM_COLUMNS", "N_UNIFORMS", "VERTEBRAL_SITE",
           "HIP_SITE", "KIND_SITES", "HAZARDS", "RiskFactors", "FractureModel", "sample_events", "endpoint_first_times",
           "ten_year_probability", "FractureHistory", "CountryFractureModel", "fracture_model", "RISK_AGE_RANGE"]

#: ages (years) the clinic calculator takes (the range of the fracture model's inputs)
RISK_AGE_RANGE = (40.0, 90.0)
#: fracture kinds of the model; trial endpoints add "nonvertebral" (hip + other) and "any"
KINDS = ("vertebral", "hip", "wrist", "other")
#: fracture kinds of the trial endpoints: vertebral, hip, wrist, nonvertebral (hip, wrist or other), any
ENDPOINT_KINDS = ("vertebral", "hip", "wrist", "nonvertebral", "any")
#: the non-vertebral kinds of the model (the trial endpoint "nonvertebral" is any of them)
NONVERTEBRAL_KINDS = ("hip", "wrist", "other")
#: the age (years) at which each kind's women's incidence parameter ``<kind>_incidence_women_<age>`` is given
INCIDENCE_REFERENCE_AGE = {"vertebral": 65, "hip": 52, "wrist": 65, "other": 65}
#: columns of a patient's monthly uniforms (trials.population): one per kind, death, time within the
#: month.  The wrist's column was added last, so the draws of the other columns kept their stream.
UNIFORM_COLUMNS = {"vertebral": 0, "hip": 1, "other": 2, "death": 3, "time": 4, "wrist": 5}
N_UNIFORMS = len(UNIFORM_COLUMNS)

#: the references a run that uses this module cites (its parameter set's sources)
CITATION_KEYS: tuple[str, ...] = FRACTURE2026.cited_keys()
_V, _H, _W, _O = (KINDS.index(k) for k in ("vertebral", "hip", "wrist", "other"))
#: the site whose BMD enters each kind's hazard (physiology.sites)
KIND_SITES: dict[str, str] = {k: site_for_fracture(k) for k in KINDS}
#: the spine's site (vertebral fractures) and the hip's (the clinic calculator's T-score)
VERTEBRAL_SITE = KIND_SITES["vertebral"]
HIP_SITE = KIND_SITES["hip"]


@dataclass
class RiskFactors:
    """Per-patient covariates (arrays of shape (N,)): 1.0/0.0 flags, years, kg/m^2."""

    female: np.ndarray
    smoker: np.ndarray
    parental_hip: np.ndarray
    glucocorticoids: np.ndarray
    bmi: np.ndarray
    prior_fracture: np.ndarray  # any prevalent fragility fracture at baseline
    prior_vertebral: np.ndarray  # prevalent vertebral fracture at baseline

    @classmethod
    def from_patient(cls, patient, prior_vertebral: bool = False) -> "RiskFactors":
        a = lambda v: np.array([float(v)])  # noqa: E731
        return cls(a(patient.sex == "female"), a(patient.smoker), a(patient.family_history), a(patient.glucocorticoids),
                   a(patient.bmi), a(patient.prior_fracture or prior_vertebral), a(prior_vertebral))


@dataclass
class FractureHistory:
    """Sampled events of N patients over a grid of intervals.

    ``first_time`` (N, 4): years from the start to the first fracture of each kind (KINDS order; inf: none);
    ``count`` (N, 4): number of fractures of each kind; ``death_time`` (N,): years (inf: alive
    at the end); ``counts_by_interval`` (N, T, 4): cumulative fractures at the end of each interval.
    """

    first_time: np.ndarray
    count: np.ndarray
    death_time: np.ndarray
    counts_by_interval: np.ndarray


class FractureModel:
    """Hazards of :mod:`osteosim.outcomes.fracture` for a parameter set (Fracture2026 by default)."""

    def __init__(self, params: Mapping[str, float] | None = None, population: Mapping[str, float] | None = None,
                 setting: str = "general", hazard: str = "bmd", strength_params: Mapping[str, float] | None = None):
        """``setting``: "general" (the epidemiological incidences) or "trial" (scaled by the fitted
        trial-population factors, osteosim.calibration.trial_fractures); ``hazard``: "bmd" (gradient of
        risk per SD of BMD) or "strength" (load over strength, StrengthHazard2026 or ``strength_params``)."""
        if setting not in ("general", "trial"):
            raise ValueError(f"setting: {setting!r} is not allowed (general or trial)")
        if hazard not in HAZARDS:
            raise ValueError(f"hazard: {hazard!r} is not allowed ({' or '.join(HAZARDS)})")
        self.p = dict(params or FRACTURE2026.values_dict())
        self.pop = dict(population or POPULATION2026.values_dict())
        self.setting = setting
        self.hazard = hazard
        self.shapes = self._probit_shapes(strength_params) if hazard == "strength" else None
        p = self.p
        # imminent risk: early value whose first-year mean equals the published first-year RR
        d = p["imminent_decay_years"]
        w = d * (1.0 - np.exp(-1.0 / d))  # integral of exp(-tau/d) over the first year
        self.imminent_early = p["imminent_rr_10y"] + (p["imminent_rr_first_year"] - p["imminent_rr_10y"]) / w

    # -- population references -----------------------------------------------------------------
    def mean_tscore(self, site: str, age, female) -> np.ndarray:
        """Mean T-score of the population at ``age`` (years) for ``site``; female: 1.0/0.0 arrays."""
        p, age, female = self.p, np.asarray(age, float), np.asarray(female, float)
        if site == "lumbar_spine":
            return p["ls_tscore_55"] + p["ls_tscore_slope"] * (age - 55.0) + 0.0 * female
        if site == "distal_radius":
            return female * (p["dr_tscore_women_55"] + p["dr_tscore_slope_women"] * (age - 55.0)) + (1.0 - female) * (
                p["dr_tscore_men_55"] + p["dr_tscore_slope_men"] * (age - 55.0))
        fn = female * (p["fn_tscore_women_55"] + p["fn_tscore_slope_women"] * (age - 55.0)) + (1.0 - female) * (
            p["fn_tscore_men_55"] + p["fn_tscore_slope_men"] * (age - 55.0))
        return fn + (p["th_minus_fn_tscore"] if site == "total_hip" else 0.0)

    def zscore(self, site: str, tscore, age, female) -> np.ndarray:
        return (np.asarray(tscore, float) - self.mean_tscore(site, age, female)) / self.p["tscore_sd_at_age"]

    def base_incidence(self, age, female) -> np.ndarray:
        """(N, 4) population incidence per year of each kind (KINDS order) at ``age``."""
        p, age, female = self.p, np.asarray(age, float), np.asarray(female, float)
        out = []
        for kind in KINDS:
            ref_age = INCIDENCE_REFERENCE_AGE[kind]
            women = p[f"{kind}_incidence_women_{ref_age}"] * 2.0 ** ((age - ref_age) / p[f"{kind}_doubling_years"])
            if self.setting == "trial":
                women = women * p["trial_vertebral_incidence_factor" if kind == "vertebral" else "trial_nonvertebral_incidence_factor"]
            out.append(women * (female + (1.0 - female) * p[f"{kind}_men_ratio"]))
        return np.stack(out, axis=-1)

    def mortality(self, age, female) -> np.ndarray:
        p, age, female = self.p, np.asarray(age, float), np.asarray(female, float)
        m65 = female * p["mortality_women_65"] + (1.0 - female) * p["mortality_men_65"]
        return m65 * np.exp(p["mortality_gompertz_slope"] * (age - 65.0))

    # -- relative risks ---------------------------------------------------------------------------
    def _gc_rr(self, age, hip: bool):
        """Glucocorticoid RR, log-linear in age between the published values at 50 and 85."""
        p = self.p
        lo, hi = (p["rr_gc_hip_50"], p["rr_gc_hip_85"]) if hip else (p["rr_gc_other_50"], p["rr_gc_other_85"])
        f = np.clip((np.asarray(age, float) - 50.0) / 35.0, 0.0, 1.0)
        return np.exp((1.0 - f) * np.log(lo) + f * np.log(hi))

    def risk_factor_rr(self, rf: RiskFactors, age, use_bmd: bool) -> np.ndarray:
        """(N, 4) product of normalised clinical-risk-factor RRs (the prior-fracture RR itself is in prior_rr).

        FRAX's RRs are for hip fractures and for osteoporotic fractures: the hip kind takes the
        first, every other kind (vertebral, wrist, other) the second."""
        p, pop = self.p, self.pop
        cols = []
        for hip in (False, True):
            rr_s = p["rr_smoking_hip" if hip else "rr_smoking_other"]
            rr_f = p["rr_parental_hip_hip" if hip else "rr_parental_hip_other"]
            rr_g = self._gc_rr(age, hip)
            r = (rr_s ** rf.smoker / (1 - pop["smoking_prevalence"] + pop["smoking_prevalence"] * rr_s)
                 * rr_f ** rf.parental_hip / (1 - pop["parental_hip_prevalence"] + pop["parental_hip_prevalence"] * rr_f)
                 * rr_g ** rf.glucocorticoids / (1 - pop["glucocorticoid_prevalence"] + pop["glucocorticoid_prevalence"] * rr_g))
            # the prior-fracture RR (applied in prior_rr) is normalised over the reference prevalence too
            rr_p = p["rr_prior_fracture_hip" if hip else "rr_prior_fracture"]
            r = r / (1 - pop["prior_fracture_prevalence"] + pop["prior_fracture_prevalence"] * rr_p)
            if not use_bmd:
                b = np.log(p["rr_bmi_hip" if hip else "rr_bmi_other"])
                r = r * np.exp(b * (rf.bmi - pop["bmi_mean"]) - 0.5 * (b * pop["bmi_sd"]) ** 2)
            cols.append(r)
        other, hip = cols
        return np.stack([hip if k == "hip" else other for k in KINDS], axis=-1)

    def gradients(self, female) -> np.ndarray:
        """(N, 4) gradient of risk per SD lower BMD of each kind at its site (KIND_SITES)."""
        p = self.p
        female = np.asarray(female, float)
        return np.stack([female * p["gr_hip_women"] + (1.0 - female) * p["gr_hip_men"] if k == "hip"
                         else np.full_like(female, p[f"gr_{k}"]) for k in KINDS], axis=-1)

    def bmd_rr(self, z: Mapping[str, np.ndarray], female) -> np.ndarray:
        """(N, 4) normalised BMD gradient terms from age-matched Z-scores per site (KIND_SITES of each kind)."""
        beta = np.log(self.gradients(female))
        zk = np.stack([np.asarray(z[KIND_SITES[k]], float) for k in KINDS], axis=-1)
        return np.exp(-beta * zk - 0.5 * beta ** 2)

    def prior_rr(self, rf: RiskFactors, since_last, vertebral_history) -> np.ndarray:
        """(N, 4) multiplier of prior fractures.

        since_last: years since the last fracture in the simulation (inf: none);
        vertebral_history: 1.0 where a vertebral fracture is known (prevalent or new).
        """
        p = self.p
        prevalent = np.stack([np.where(rf.prior_fracture > 0, p["rr_prior_fracture_hip" if k == "hip" else "rr_prior_fracture"],
                                       1.0) for k in KINDS], axis=-1)
        tau = np.asarray(since_last, float)
        imminent = np.where(np.isfinite(tau),
                            p["imminent_rr_10y"] + (self.imminent_early - p["imminent_rr_10y"])
                            * np.exp(-np.where(np.isfinite(tau), tau, 0.0) / p["imminent_decay_years"]), 1.0)
        m = np.maximum(prevalent, imminent[:, None])
        # site concordance: vertebral after vertebral, relative to the generic prior-fracture RR
        vert = np.asarray(vertebral_history, float) > 0
        m[:, _V] = np.where(vert, m[:, _V] * p["rr_vertebral_after_vertebral"] / p["rr_prior_fracture"], m[:, _V])
        return m

    # -- load over strength (hazard="strength", outcomes.strength_hazard) ---------------------------
    def _probit_shapes(self, strength_params: Mapping[str, float] | None) -> dict[str, ProbitShape]:
        from ..parameters.strength_hazard2026 import STRENGTH_HAZARD2026

        self.sp = dict(strength_params or STRENGTH_HAZARD2026.values_dict())
        shapes = {}
        for kind, site in KIND_SITES.items():
            mu, s_b = self.log_strength_population(site, self.sp["hazard_reference_age"], 1.0)
            shapes[kind] = ProbitShape(self.sp[f"hazard_sigma_{kind}"], self.sp[f"strength_bmd_corr_{site}"],
                                       self.sp[f"fracture_per_event_{kind}"], float(mu), float(s_b))
        return shapes

    def log_strength_population(self, site: str, age, female) -> tuple[np.ndarray, np.ndarray]:
        """(mu, s_B) of the untreated population at ``age``: mean log strength (up to a constant) and the
        SD of its BMD part, from this model's mean T-score and the site's reference and strength exponent, plus the
        population's mean log strength share of the struts it has lost by that age (outcomes.strength: the
        patient's fracture strength carries her own strut loss, so the population's must be in mu too)."""
        from .densitometry import reference
        from .strength import population_connectivity_log_term, strength_bmd_exponent

        mean, sd = reference(self.bone, site)
        # strength ~ BMD^b across people: both compartments scaled alike (outcomes.strength)
        mu, s_b = population_log_strength(self.mean_tscore(site, age, female), self.p["tscore_sd_at_age"], mean, sd,
                                          strength_bmd_exponent(self.bone, site))
        return mu + population_connectivity_log_term(site, age, female), s_b

    @cached_property
    def bone(self) -> dict[str, float]:
        """Osteosim2026's values: the T-score references and the strength law per site."""
        from ..parameters.osteosim2026 import OSTEOSIM2026

        return OSTEOSIM2026.values_dict()

    def log_strength_by_kind(self, age, female) -> tuple[np.ndarray, np.ndarray]:
        """(mu, s_B), each (..., len(KINDS)): :meth:`log_strength_population` at each kind's site (KIND_SITES)."""
        by_site = {s: self.log_strength_population(s, age, female) for s in set(KIND_SITES.values())}
        return tuple(np.stack(np.broadcast_arrays(*(by_site[s][i] for s in KIND_SITES.values())), axis=-1) for i in (0, 1))

    def strength_rr(self, z: Mapping[str, np.ndarray], age, female, strength_deviation=None) -> np.ndarray:
        """(N, len(KINDS)) normalised load-over-strength terms: P(fracture | event) over the population mean.

        z: age-matched BMD Z-score per site (a patient known by BMD only: x = s_B z);
        strength_deviation: (N, len(KINDS)) the patient's log strength deviation x from the population of its age
        and sex, per kind (overrides the Z-scores; :func:`sample_events` follows it along a trajectory)."""
        if self.shapes is None:
            raise ValueError("hazard: strength_rr needs FractureModel(hazard='strength')")
        mu, s_b = self.log_strength_by_kind(age, female)
        if strength_deviation is None:
            zk = np.stack(np.broadcast_arrays(*(np.asarray(z[s], float) for s in KIND_SITES.values())), axis=-1)
            x = s_b * zk
        else:
            x = np.asarray(strength_deviation, float)
        cols = [self.shapes[kind].relative_risk(x[..., k], mu[..., k], s_b[..., k]) for k, kind in enumerate(KINDS)]
        return np.stack(cols, axis=-1)

    def course_hazards(self, age, rf: RiskFactors, tscores: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Hazards along one patient's simulated course: ``age`` (T,) years, ``rf`` that patient's risk factors
        (shape (1,)), ``tscores`` site -> (T,) T-scores for every site of KIND_SITES.  Returns ((T, len(KINDS))
        fracture hazards, (T,) mortality), both per year (the studies and sensitivity outputs integrate them)."""
        age = np.asarray(age, float)
        missing = [s for s in dict.fromkeys(KIND_SITES.values()) if s not in tscores]
        if missing:
            raise ValueError(f"tscores: no T-score course for {', '.join(missing)} (the fracture model needs "
                             f"{', '.join(dict.fromkeys(KIND_SITES.values()))})")
        rf_t = RiskFactors(*(np.repeat(getattr(rf, f), age.shape[0]) for f in RiskFactors.__dataclass_fields__))
        z = {s: self.zscore(s, tscores[s], age, rf_t.female) for s in dict.fromkeys(KIND_SITES.values())}
        return self.hazards(age, rf_t, z), self.mortality(age, rf_t.female)

    def hazards(self, age, rf: RiskFactors, z: Mapping[str, np.ndarray] | None = None, since_last=None,
                vertebral_history=None, strength_deviation=None) -> np.ndarray:
        """(N, len(KINDS)) hazards per year of KINDS; ``z``: age-matched BMD Z-score per site (every site of
        KIND_SITES), None: without BMD (BMI enters instead).  strength_deviation: (N, len(KINDS)),
        hazard="strength" only (:meth:`strength_rr`)."""
        age = np.asarray(age, float)
        n = rf.female.shape[0]
        use_bmd = z is not None
        if strength_deviation is not None and (self.hazard != "strength" or not use_bmd):
            raise ValueError("strength_deviation: given to a model without the strength hazard or without BMD "
                             "(allowed with FractureModel(hazard='strength') and Z-scores)")
        h = self.base_incidence(age, rf.female) * self.risk_factor_rr(rf, age, use_bmd)
        if use_bmd:
            h = h * (self.bmd_rr(z, rf.female) if self.hazard == "bmd"
                     else self.strength_rr(z, age, rf.female, strength_deviation))
        since = np.full(n, np.inf) if since_last is None else since_last
        vh = rf.prior_vertebral if vertebral_history is None else vertebral_history
        return h * self.prior_rr(rf, since, vh)


class CountryFractureModel(FractureModel):
    """The hazards of :class:`FractureModel` with a country's incidence and mortality (the clinic calculator).

    Hip incidence and mortality come from the country's tables (osteosim.parameters.fracture_countries);
    the vertebral and other incidences are Fracture2026's scaled by the same ratio as the hip
    (country hip / Fracture2026 hip at that age and sex): FRAX's imputation of the other major
    fractures from the hip.  Relative risks, gradients and their normalisations are Fracture2026's.
    """

    def __init__(self, tables: CountryTables, params: Mapping[str, float] | None = None,
                 population: Mapping[str, float] | None = None):
        super().__init__(params, population, setting="general")
        self.tables = tables

    def base_incidence(self, age, female) -> np.ndarray:
        base = super().base_incidence(age, female)
        ratio = self.tables.hip_incidence(age, female) / base[..., _H]
        return base * ratio[..., None]

    def mortality(self, age, female) -> np.ndarray:
        return self.tables.mortality(age, female)


def fracture_model(country: str | None = None) -> FractureModel:
    """The calculator's model for ``country`` (us | uk | norway); None or "norway": Fracture2026 itself."""
    tables = None if country is None else country_tables(country)
    return FractureModel() if tables is None else CountryFractureModel(tables)


def sample_events(model: FractureModel, t_years: np.ndarray, age0: np.ndarray, rf: RiskFactors,
                  tscores: Mapping[str, np.ndarray], uniforms: np.ndarray,
                  strength_change: np.ndarray | None = None) -> FractureHistory:
    """Sample fractures and death over the intervals of ``t_years`` (T+1 grid points, years from start).

    tscores: site -> (N, T+1) current T-scores at the grid points (every site of KIND_SITES; the
    hazard of an interval uses its start); uniforms: (N, T, N_UNIFORMS) in [0, 1) from each
    patient's own stream (columns: UNIFORM_COLUMNS).  A fracture changes the hazards of later
    intervals (imminent risk, vertebral concordance).

    strength_change: (N, T+1, len(KINDS)) per kind (KIND_SITES), ``ln S(t) - ln S(0)``: the patient's own
    strength change (outcomes.strength), for a model with hazard="strength".  The patient's log
    strength deviation from the population of its age is then placed at the start from its BMD
    Z-score (``x0 = s_B z0``: the part of strength that BMD explains) and followed with its own
    strength: ``x(t) = x0 + [ln S(t) - ln S(0)] - [mu(age(t)) - mu(age0)]`` (the population's strength
    falls with age too).  Without it (None) a strength-hazard patient is known by BMD only at every
    point (``x = s_B z(t)``).
    """
    sites = sorted(set(KIND_SITES.values()))
    missing = [s for s in sites if s not in tscores]
    if missing:
        raise ValueError(f"tscores: no T-scores for {', '.join(missing)} (the fracture kinds read {', '.join(sites)})")
    if uniforms.shape[-1] != N_UNIFORMS:
        raise ValueError(f"uniforms: {uniforms.shape[-1]} columns per interval, {N_UNIFORMS} needed ({', '.join(UNIFORM_COLUMNS)})")
    kind_cols = [UNIFORM_COLUMNS[k] for k in KINDS]
    n, n_int = uniforms.shape[0], len(t_years) - 1
    first = np.full((n, len(KINDS)), np.inf)
    count = np.zeros((n, len(KINDS)), dtype=np.int64)
    cum = np.zeros((n, n_int, len(KINDS)), dtype=np.int64)
    death = np.full(n, np.inf)
    last = np.full(n, -np.inf)  # time of the last new fracture (years from start)
    vert_hist = rf.prior_vertebral.astype(float).copy()
    if strength_change is not None:
        if model.hazard != "strength":
            raise ValueError("strength_change: given to a model without the strength hazard "
                             "(allowed with FractureModel(hazard='strength'))")
        mu0, s_b0 = model.log_strength_by_kind(age0, rf.female)
        z0 = np.stack([model.zscore(s, tscores[s][:, 0], age0, rf.female) for s in KIND_SITES.values()], axis=-1)
        x0 = s_b0 * z0
    for j in range(n_int):
        t0, dt = t_years[j], t_years[j + 1] - t_years[j]
        age = age0 + t0
        z = {s: model.zscore(s, tscores[s][:, j], age, rf.female) for s in sites}
        dev = None
        if strength_change is not None:
            dev = x0 + strength_change[:, j] - (model.log_strength_by_kind(age, rf.female)[0] - mu0)
        h = model.hazards(age, rf, z, since_last=t0 - last, vertebral_history=vert_hist, strength_deviation=dev)
        alive = np.isinf(death)
        u = uniforms[:, j]
        event = (u[:, kind_cols] < -np.expm1(-h * dt)) & alive[:, None]
        when = t0 + u[:, UNIFORM_COLUMNS["time"]] * dt
        first = np.where(event & np.isinf(first), when[:, None], first)
        count += event
        cum[:, j] = count
        any_event = event.any(axis=1)
        last = np.where(any_event, when, last)
        vert_hist = np.where(event[:, _V], 1.0, vert_hist)
        dies = alive & (u[:, UNIFORM_COLUMNS["death"]] < -np.expm1(-model.mortality(age, rf.female) * dt))
        death = np.where(dies, when, death)
    return FractureHistory(first, count, death, cum)


def endpoint_first_times(first_time: np.ndarray) -> dict[str, np.ndarray]:
    """Years to the first fracture of each trial endpoint (ENDPOINT_KINDS) from ``first_time`` (N, len(KINDS))."""
    col = {k: first_time[:, i] for i, k in enumerate(KINDS)}
    out = {k: col[k] for k in ENDPOINT_KINDS if k in col}
    out["nonvertebral"] = np.min(np.stack([col[k] for k in NONVERTEBRAL_KINDS]), axis=0)
    out["any"] = first_time.min(axis=1)
    return {k: out[k] for k in ENDPOINT_KINDS}


def ten_year_probability(patient, *, use_bmd: bool = True, prior_vertebral: bool = False, years: float = 10.0,
                         model: FractureModel | None = None, steps_per_year: int = 12,
                         country: str | None = None) -> dict[str, float]:
    """10-year probabilities (%) of a first hip and a first major osteoporotic fracture (MOF).

    Competing mortality as in FRAX; BMD (the patient's femoral-neck T-score, and the spine's
    when given) is taken to keep its age-matched Z-score.  ``use_bmd=False`` gives the
    probability from clinical risk factors alone (BMI then enters).  MOF = hip, clinical
    vertebral (a share of all vertebral fractures), forearm and humerus (a share of the wrist
    and other non-vertebral fractures together).  A kind whose site (KIND_SITES) has no measured T-score takes the
    femoral neck's Z-score, as FRAX does for every kind.  Hazards are piecewise constant over ``1/steps_per_year``.
    ``country`` (us | uk | norway) picks the incidence and mortality tables (:func:`fracture_model`);
    None keeps Fracture2026's (Norwegian hip incidence), as ``"norway"`` does.
    """
    from .densitometry import tscore as _tscore
    from ..parameters.osteosim2026 import OSTEOSIM2026

    if model is not None and country is not None:
        raise ValueError("country: give a country or a model, not both")
    model = model or fracture_model(country)
    rf = RiskFactors.from_patient(patient, prior_vertebral=prior_vertebral)
    z = None
    if use_bmd:
        bp = OSTEOSIM2026.values_dict()
        t = {}
        for site, (kind, v) in patient.measured_baseline().items():
            if site in KIND_SITES.values():
                t[site] = v if kind == "tscore" else float(_tscore(v, bp, site))
        if HIP_SITE not in t:
            raise ValueError(f"tscore_{HIP_SITE}: needed for the probability with BMD (give tscore_{HIP_SITE} or "
                             f"bmd_{HIP_SITE}, or ask for the probability without BMD)")
        z_hip = model.zscore(HIP_SITE, t[HIP_SITE], patient.age, rf.female)
        z = {s: model.zscore(s, t[s], patient.age, rf.female) if s in t else z_hip for s in set(KIND_SITES.values())}
    p = model.p
    dt = 1.0 / steps_per_year
    # every step's hazards in one call (the web app asks for 11 ages per Simulate: a Python loop over
    # 120 steps cost ~0.4 s there, this 150x less).  cumprod/cumsum multiply and add in the loop's
    # order (the recursion s_{j+1} = s_j exp(-(rate_j + mu_j) dt)); numpy's array power differs from
    # its scalar one by an ulp, so the probabilities moved by at most 5.5e-16 relative (3840 cases)
    ages = patient.age + np.arange(int(round(years * steps_per_year))) * dt
    h = model.hazards(ages, rf, z)
    mof = h[:, _H] + p["clinical_vertebral_fraction"] * h[:, _V] + p["mof_share_other"] * (h[:, _W] + h[:, _O])
    mu = model.mortality(ages, rf.female)
    prob = {}
    for which, rate in (("hip", h[:, _H]), ("mof", mof)):
        total = rate + mu
        survival = np.concatenate([[1.0], np.cumprod(np.exp(-total * dt))[:-1]])  # at each step's start
        prob[which] = np.cumsum(survival * rate / total * -np.expm1(-total * dt))[-1] if len(ages) else 0.0
    prob_hip, prob_mof = prob["hip"], prob["mof"]
    return {"hip": 100.0 * float(prob_hip), "major_osteoporotic": 100.0 * float(prob_mof)}
