"""Batched integration over patients."""
from .integrate import BatchSolution, SolverOptions, SOLVERS, solve_batch, solve_chunked

__all__ = ["BatchSolution", "SolverOptions", "SOLVERS", "solve_batch", "solve_chunked"]
