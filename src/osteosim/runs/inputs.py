"""The solver's batched input for L lanes, built once by :func:`osteosim.runs.build_run`."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..models.base import Model
from ..solve import SolverOptions, solve_batch, solve_chunked

__all__ = ["RunInputs"]


@dataclass(frozen=True)
class RunInputs:
    """Stacked inputs of L lanes (model time in days).

    params: name -> (L,) values; drivers: name -> (L,) or (L, k) (dose tables);
    y0: (L, n_states); t0: start time (days; the young-adult peak for patient models);
    ts: (T,) save times (days); lane_params / lane_drivers: each lane's own mappings
    (one-lane outputs, SBML, problem descriptions).
    """

    model: Model
    params: dict[str, np.ndarray]
    drivers: dict[str, np.ndarray]
    y0: np.ndarray
    t0: float
    ts: np.ndarray
    lane_params: tuple[dict, ...]
    lane_drivers: tuple[dict, ...]

    @property
    def n_lanes(self) -> int:
        return self.y0.shape[0]

    def solve(self, options: SolverOptions | None = None, *, block: int | None = None,
              chunk_size: int | None = None, shared: frozenset[str] | None = None):
        """Solve every lane: one :func:`solve_batch` call, or with ``block`` fixed-width compiled blocks
        (:func:`solve_chunked`: bit-identical numbers whatever the chunking; ``shared``: the parameters
        passed as shared scalars, see there). Returns the BatchSolution."""
        if block is None:
            return solve_batch(self.model, self.params, self.y0, self.ts, self.drivers, t0=self.t0, options=options)
        kw = {} if chunk_size is None else {"chunk_size": chunk_size}
        if shared is not None:
            kw["shared"] = shared
        return solve_chunked(self.model, self.params, self.y0, self.ts, self.drivers, t0=self.t0, options=options,
                             block=block, **kw)
