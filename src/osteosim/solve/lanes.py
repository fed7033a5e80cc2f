"""Host side of the Rodas5P queue solve: which parameters are shared, and the compiled lane solver.

Why shared parameters are passed as shape-() runtime arrays: a parameter with the same value for
every patient of a call costs nothing per lane, whereas one broadcast to (N,) makes the vmapped
RHS and Jacobian carry it through every lane (measured in engine-study.md Q1: RHS 0.83 -> 0.33 us,
jacfwd 4.6 -> 2.2 us per patient).  They stay runtime arrays, not compile-time constants, so one
executable serves every parameter value.  Drivers (incl. dose tables) stay per patient always,
so a regimen change never changes the compiled signature.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .rosenbrock import build_rodas5p

__all__ = ["shared_names", "split_params", "lanes_builder"]


def shared_names(params: Mapping[str, np.ndarray], n_real: int, per_patient=()) -> frozenset[str]:
    """Names whose first ``n_real`` rows (patients) are all equal (exactly, NaN equal to NaN),
    except those in ``per_patient`` (a model's ``lane_parameters``: always per patient)."""
    return frozenset(k for k, v in params.items()
                     if k not in per_patient and np.array_equal(v[:n_real], np.broadcast_to(v[:1], v[:n_real].shape),
                                                                equal_nan=True))


def split_params(params: Mapping[str, np.ndarray], shared: frozenset[str]) -> tuple[dict, dict]:
    """(shared: name -> one patient's value, per patient: name -> (N, ...) rows)."""
    return ({k: v[0] for k, v in params.items() if k in shared},
            {k: v for k, v in params.items() if k not in shared})


def lanes_builder(lanes: int, refill: int | None = None, prepared: bool = True):
    """``build(model, opts)`` for ``integrate._compiled``: the queue solver with ``lanes`` lanes
    (``prepared``: see :func:`.rosenbrock.build_rodas5p`; False only to measure against)."""
    def build(model, opts):
        return build_rodas5p(model, opts, lanes, refill, prepared)

    # part of the compile-cache key
    build.__name__ = f"build_rodas5p_{lanes}_{refill}" + ("" if prepared else "_unprepared")
    return build
