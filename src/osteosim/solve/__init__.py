"""Batched integration over patients."""
from .integrate import (BatchSolution, SolverOptions, SOLVERS, solve_batch, solve_chunked, outputs_over_time,
                        warm_outputs)

__all__ = ["BatchSolution", "SolverOptions", "SOLVERS", "solve_batch", "solve_chunked", "outputs_over_time",
           "warm_outputs"]
