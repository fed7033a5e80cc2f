"""Fracture hazard from load over strength (factor of risk): a probit threshold per loading event.

A loading event of kind k (a fall for hip and other nonvertebral fractures, a day's peak spinal
load for vertebral ones) fractures the bone when the load exceeds the strength of the site s(k)
that :mod:`osteosim.physiology.sites` names for the kind::

    P(fracture | event) = Phi_N((ln Lbar_k - ln F) / sigma_k)

with ln L ~ N(ln Lbar_k, sigma_k^2) the load's spread (and whatever else varies between events:
direction of the fall, padding) and F the patient's strength.  Strength is written as a log
deviation from the untreated population of the same age and sex, x = ln F - mu(age, sex):

* ``mu = b_s ln BMDbar_s(age, sex)`` + const, ``BMDbar`` the population's mean BMD at that age
  (the fracture model's mean T-score on the site's young-adult reference), ``b_s`` the site's
  strength-BMD exponent (strength ~ BV^b with both compartments scaled alike,
  outcomes.strength.strength_bmd_exponent; cross-sectionally BMD varies mostly by bone volume);
* the part of x that BMD explains: ``x_B = s_B z``, z the age-matched BMD Z-score and
  ``s_B = b_s * SD(ln BMD at age) = b_s * tscore_sd * ref_sd / BMDbar`` (lognormal to first order);
* a part BMD does not explain (geometry, architecture: FE strength correlates with aBMD at r < 1),
  ``e ~ N(0, s_e^2)`` with ``s_e = s_B sqrt(1/r^2 - 1)``: the model does not know it for a patient,
  so it is integrated out (it widens the threshold to ``sigma_e = sqrt(sigma^2 + s_e^2)``);
* along a trajectory (a trial), x is placed at randomisation from the BMD Z-score (``x0 = s_B z0``)
  and then follows the patient's own strength (outcomes.strength: its compartments' volumes and minerals)::

      x(t) = x0 + [ln S(t) - ln S(0)] - [mu(age(t)) - mu(age0)]

  so a treatment acts through all of its strength change, the part BMD shows (``b_s d ln BMD`` of the
  patient's own BMD, not linearised around the population mean as a Z-score change would be) and
  the part it does not (mineral beyond its BMD share).  Approximation: the patient's unexplained
  strength is at its population value at randomisation and keeps it (only its change is simulated).

Then per event ``P = Phi((c - x) / sigma_e)`` with ``c = ln Lbar - ln F_ref - mu`` the log margin
of the age-matched mean patient, and in the population (x_B + e ~ N(0, s^2), s = s_B / r)::

    Pbar = E[P] = Phi(c / tau),   tau = sqrt(sigma^2 + s^2).

The hazard is ``base_k * P / Pbar * risk factors * prior fractures`` (outcomes.fracture), so an
untreated reference population reproduces base_k's incidence as the BMD model does.  ``c`` at the
reference age and sex is set from the published fracture probability per event (``Pbar``), and at
other ages it moves with the population's strength: ``c(a) = c_ref - (mu(a) - mu_ref)``.

Gradients of risk (rare events; a cohort's log-linear fit): the log relative risk per SD lower
strength is the mean standardised deficit of the cases, by Stein's lemma::

    ln GR_strength = (s / tau) * lambda(c / tau),   ln GR_BMD = r * ln GR_strength,

``lambda = phi / Phi`` the inverse Mills ratio.  ``sigma`` and ``r`` are fitted to the cohort
gradients (osteosim.calibration.strength_hazard), never to a treated arm's fractures.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


# scipy.special on first use, not at import: this module loads with every ``osteosim`` command
# (outcomes.columns -> fracture), most compute no hazard, and scipy.special's import took 0.18 s
# (0.04 s once jax's lowering has imported scipy.linalg, as in a warm ``osteosim simulate``).
def log_ndtr(z):
    """``scipy.special.log_ndtr``: log of the standard normal CDF."""
    from scipy.special import log_ndtr as f

    return f(z)


def ndtri(p):
    """``scipy.special.ndtri``: the standard normal quantile."""
    from scipy.special import ndtri as f

    return f(p)

__all__ = ["population_log_strength", "ProbitShape", "mills", "HAZARDS"]

#: hazard models of the fracture model: BMD gradient of risk (FRAX-style) or load over strength
HAZARDS = ("bmd", "strength")


def population_log_strength(mean_tscore, tscore_sd: float, ref_mean: float, ref_sd: float, b: float):
    """(mu, s_B): the population's mean log strength (up to a constant) and the SD of its BMD part.

    mean_tscore: the population's mean T-score at the age (SD, any shape); ref_mean, ref_sd: the
    site's T-score reference (g/cm^2); b: the site's strength exponent."""
    bmd = ref_mean + np.asarray(mean_tscore, float) * ref_sd
    if np.any(bmd <= 0.0):
        raise ValueError(f"mean_tscore: {np.min(mean_tscore):g} gives a population BMD <= 0 (allowed: "
                         f"> {-ref_mean / ref_sd:g} SD)")
    return b * np.log(bmd), b * tscore_sd * ref_sd / bmd


def mills(z):
    """Inverse Mills ratio phi(z) / Phi(z), stable in the far left tail."""
    z = np.asarray(z, float)
    return np.exp(-0.5 * z ** 2 - 0.5 * np.log(2.0 * np.pi) - log_ndtr(z))


@dataclass(frozen=True)
class ProbitShape:
    """Probit threshold of one fracture kind (all log-strength quantities dimensionless).

    sigma: SD of ln load per event (plus other event-to-event spread); r: correlation of BMD and
    strength in the population; p_event: the population's mean P(fracture | event) at the
    reference (mu_ref, s_ref: mean log strength and SD of its BMD part there)."""

    sigma: float
    r: float
    p_event: float
    mu_ref: float
    s_ref: float

    def __post_init__(self):
        for name, v, lo, hi in (("sigma", self.sigma, 0.0, np.inf), ("r", self.r, 0.0, 1.0),
                                ("p_event", self.p_event, 0.0, 1.0)):
            if not (lo < v <= hi) or (name == "p_event" and v >= 1.0):
                raise ValueError(f"{name}: {v!r} is not allowed ({lo:g} < {name} {'<' if name == 'p_event' else '<='} {hi:g})")

    def _tau(self, s_b):
        return np.sqrt(self.sigma ** 2 + (np.asarray(s_b, float) / self.r) ** 2)

    @property
    def c_ref(self) -> float:
        """Log margin ln Lbar - ln F of the mean patient at the reference."""
        return float(self._tau(self.s_ref) * ndtri(self.p_event))

    def margin(self, mu):
        """c at population mean log strength mu: the load is the same, the strength is not."""
        return self.c_ref - (np.asarray(mu, float) - self.mu_ref)

    def sigma_e(self, s_b):
        """Threshold width for a patient known by BMD only: load spread and the unexplained strength."""
        s_b = np.asarray(s_b, float)
        return np.sqrt(self.sigma ** 2 + s_b ** 2 * (1.0 / self.r ** 2 - 1.0))

    def p_event_mean(self, mu, s_b):
        """Pbar: the population's mean P(fracture | event) at (mu, s_B)."""
        return np.exp(log_ndtr(self.margin(mu) / self._tau(s_b)))

    def relative_risk(self, x, mu, s_b):
        """P(fracture | event) of patients at log-strength deviation x over the population's mean."""
        c = self.margin(mu)
        return np.exp(log_ndtr((c - np.asarray(x, float)) / self.sigma_e(s_b)) - log_ndtr(c / self._tau(s_b)))

    def gradients(self, mu, s_b) -> tuple[np.ndarray, np.ndarray]:
        """(GR per SD lower strength, GR per SD lower BMD) of the population at (mu, s_B) (module doc)."""
        tau = self._tau(s_b)
        ln_gr = np.asarray(s_b, float) / self.r / tau * mills(self.margin(mu) / tau)
        return np.exp(ln_gr), np.exp(self.r * ln_gr)
