"""Parameter draws of a virtual trial (``uncertainty: {parameter_draws: K, seed: S}``, ``--parameter-draws K``).

Which parameters, and how they are drawn, is the ensemble's rule and sampler
(:func:`osteosim.outcomes.ensemble.uncertain_parameters`, :func:`~osteosim.outcomes.ensemble.sample_parameters`):
the uncertain parameters of the trial are those of all its arms' regimens together (MSC parameters
when an arm gives MSCs, unfitted drug parameters when an arm gives a drug; fitted ones are not
drawn), and draw k is one point of one Latin hypercube over all of them, so every arm of draw k
shares the same values (a treated arm and its control are compared within a draw).  An arm takes
only the parameters uncertain for its own regimen (:func:`arm_parameters`): the others do not act
on it (an MSC parameter without MSCs, a drug parameter without a drug), so an arm with none (placebo)
is the nominal arm in every draw and is not solved again.

Why one untreated history serves every draw: the drawn parameters are therapy parameters, which
act only once a therapy is given; the history from the young-adult peak to randomisation is
untreated, and the reference state is the nominal one in every draw (tests/trials/test_uncertainty.py
checks that an untreated course does not move with a draw).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..outcomes.ensemble import UncertainParameter, sample_parameters, uncertain_parameters
from .spec import TrialSpec

__all__ = ["trial_uncertain", "arm_parameters", "trial_draws", "draw_values"]


def _parameter_set():
    from ..models import Osteosim

    return Osteosim().default_parameters()


def trial_uncertain(spec: TrialSpec, pset=None) -> list[UncertainParameter]:
    """The parameters the trial's draws sample: uncertain for at least one arm's regimen (ensemble rule)."""
    pset = _parameter_set() if pset is None else pset
    given = [pr for reg in spec.regimens().values() for pr in (reg or [])]
    return uncertain_parameters(pset, given)


def arm_parameters(spec: TrialSpec, pset=None) -> dict[str, tuple[str, ...]]:
    """Arm -> the names of the parameters uncertain for its regimen (empty: the arm does not vary with the draws)."""
    pset = _parameter_set() if pset is None else pset
    return {arm: tuple(up.name for up in uncertain_parameters(pset, reg)) for arm, reg in spec.regimens().items()}


def trial_draws(spec: TrialSpec, pset=None) -> dict[str, list[float]]:
    """name -> K drawn values (``spec.uncertainty``); ``{}`` when no draw is asked for or nothing is uncertain.

    Plain lists, so a chunk task receives them as data; the same seed gives the same values."""
    k = spec.parameter_draws
    uncertain = trial_uncertain(spec, pset) if k else []
    if not uncertain:
        return {}
    return {name: [float(x) for x in v] for name, v in sample_parameters(uncertain, k, spec.uncertainty.seed).items()}


def draw_values(draws: Mapping[str, list[float]], k: int, names: tuple[str, ...]) -> dict[str, float]:
    """Draw ``k``'s (0-based) values of ``names``."""
    missing = [n for n in names if n not in draws]
    if missing:
        raise ValueError(f"draws: no values for {', '.join(missing)} (uncertain for an arm of this trial)")
    return {n: float(np.asarray(draws[n])[k]) for n in names}
