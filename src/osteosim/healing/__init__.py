"""Fracture healing with local MSC injection (Bailon-Plaza & van der Meulen 2001 callus model).

Public API: :class:`HealingScenario`, :func:`run_healing` -> :class:`HealingResult`
(``summary``, ``times_weeks``, ``fields``).  See ``docs/healing.md``.
"""
from .model import FIELDS, HealingModel
from .run import HealingResult, run_healing, solve_course
from .scenario import HealingScenario, HealingScenarioError

__all__ = ["HealingScenario", "HealingScenarioError", "HealingResult", "run_healing", "solve_course", "HealingModel",
           "FIELDS"]
