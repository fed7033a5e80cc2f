"""Batched integration of any :class:`~osteosim.models.base.Model` with diffrax.

One compiled solve over a leading patient axis: per-patient parameters, drivers
and initial states; shared save times.  Either ``jit(vmap(diffeqsolve))`` (each
patient its own steps) or, for explicit solvers, the whole block as one ODE system
with one step size (``SolverOptions(step_control="shared")``: diffrax's per-step
cost amortised over the block).  States are scaled by the model's typical
magnitudes so one rtol/atol pair fits states that live at 1e-4 pM and at 100 %.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .. import _jax  # (float64 + compile cache)

import jax
import jax.numpy as jnp
import numpy as np
from jax import export as jax_export

from ..models.base import Model
from . import lanes as lanes_mod

__all__ = ["SolverOptions", "BatchSolution", "solve_batch", "solve_chunked", "outputs_over_time", "warm_outputs",
           "SOLVERS"]

#: diffrax solvers by name (diffrax itself is imported only when a solver must be traced:
#: a warm start from the export cache skips that 0.5 s import)
SOLVERS = ("Tsit5", "Dopri5", "Dopri8", "Kvaerno3", "Kvaerno4", "Kvaerno5", "Rodas5P")  # Rodas5P: .rosenbrock


#: how the patients of one compiled call are stepped (see :class:`SolverOptions`)
STEP_CONTROLS = ("per_patient", "shared")


@dataclass(frozen=True)
class SolverOptions:
    """Solver, tolerances and step control.

    ``step_control``:

    * ``"per_patient"`` (default): ``vmap`` over ``diffeqsolve``; each patient has its own
      steps, so its answer does not depend on the other patients in the batch (equal to a
      single-patient solve to rounding).
    * ``"shared"``: the block of patients is ONE ODE system with states ``(n_states, N)`` and
      the model's RHS vmapped inside the vector field, so diffrax's per-step machinery (step
      controller, while-loop carry, interpolation for ``SaveAt(ts)``) is paid once per step for
      the whole block instead of once per patient (benchmarks/solver_study.py: 0.43 -> 0.1 us
      per step per patient on Pivonka2008).  The step size is the block's: the PID controller
      takes the *worst* patient's RMS error ratio, so every patient meets its own rtol/atol as
      in ``per_patient`` mode (with a few more steps); steps end at every patient's switch and
      dose times (their union).  A patient's answer then depends on its block's companions at
      the tolerance level, not to rounding, and a failure of one patient (``max_steps``, NaN)
      fails its block.  Explicit solvers only: with an implicit solver the block's Jacobian
      would be a dense ``(N n_states)^2`` matrix (measured: no result within 8 minutes for
      1,024 Pivonka patients with Kvaerno5).
    * ``pcoeff``/``icoeff``: diffrax's PID coefficients (default: the I controller).
    """

    solver: str | None = None  # None: the model's measured choice
    rtol: float = 1e-8
    atol: float = 1e-10  # on scaled (order-one) states
    max_steps: int = 200_000
    dt0: float | None = None
    step_control: str = "per_patient"
    pcoeff: float = 0.0
    icoeff: float = 1.0

    def resolved(self, model: Model) -> "SolverOptions":
        name = self.solver or model.solver
        if name not in SOLVERS:
            raise ValueError(f"solver: unknown solver {name!r}; allowed: {', '.join(SOLVERS)}")
        if self.step_control not in STEP_CONTROLS:
            raise ValueError(f"step_control: unknown {self.step_control!r}; allowed: {', '.join(STEP_CONTROLS)}")
        if self.step_control == "shared" and (name.startswith("Kvaerno") or name == "Rodas5P"):
            raise ValueError(f"step_control: 'shared' needs an explicit solver (the block's Jacobian would be "
                             f"dense); {name} is implicit")
        return replace(self, solver=name)


@dataclass
class BatchSolution:
    ts: np.ndarray  # (T,) model time units
    ys: np.ndarray  # (N, T, n_states)
    state_names: tuple[str, ...]
    ok: np.ndarray  # (N,) bool, solver succeeded
    num_steps: np.ndarray  # (N,)
    extra: dict = field(default_factory=dict)

    def state(self, name: str) -> np.ndarray:
        return self.ys[..., self.state_names.index(name)]


_COMPILED: dict[tuple, object] = {}
#: where traced solvers are stored between processes (None: do not store)
EXPORT_DIR = Path(_jax.CACHE_DIR) / "exported" if _jax.CACHE_DIR else None


def _broadcast(d: Mapping[str, object], n: int) -> dict[str, np.ndarray]:
    """Scalars become (n,); per-patient values are (n,) or (n, k) (e.g. dose tables).

    numpy, not jax: the compiled solve takes numpy arguments in one transfer, whereas an
    eager jnp op per parameter (~230 for Osteosim) costs a dispatch, and a compile-cache read
    for each new shape (measured 0.4-0.5 s of a warm ``osteosim simulate``).
    """
    out = {}
    for k, v in d.items():
        a = np.asarray(v, dtype=np.float64)
        if a.ndim == 0:
            a = np.full((n,), float(a))
        elif a.shape[0] != n:
            raise ValueError(f"{k}: expected a scalar or {n} per-patient values, got shape {a.shape}")
        out[k] = a
    return out


def _jump_table(model: Model, drivers: Mapping, n: int, t0: float, t_end: float) -> np.ndarray:
    """Per-patient switch times (n, J), sorted; times outside (t0, t_end) become t_end + 1 (never reached)."""
    cols = [np.broadcast_to(np.asarray(j, dtype=np.float64), (n,) + np.shape(j)[1:]).reshape(n, -1)
            for j in model.jump_times(drivers)]
    if not cols:
        return np.full((n, 0), t_end + 1.0)
    table = np.concatenate(cols, axis=1)
    table = np.where((table > t0) & (table < t_end), table, t_end + 1.0)
    return np.sort(table, axis=1)


def _fixed_width(model: Model, jumps: np.ndarray, t_end: float) -> np.ndarray:
    """The sorted jump table (n, J) padded with ``t_end + 1`` (never reached) to its compiled width.

    A model with a fixed ``jump_width`` (regimens: every dose of a resolved drug is a jump) gets
    exactly that many columns, so a regimen with more doses never changes the compiled shape;
    the never-reached columns are dropped first.  Other models: a power of two (at least 4).
    """
    width = model.jump_width
    if width is None:
        n_j = _bucket_ts(jumps.shape[1], 4)
    else:
        used = int(np.max(np.sum(jumps <= t_end, axis=1), initial=0))
        if used > width:
            raise ValueError(f"jump times: {used} input switches and resolved doses within the simulated span "
                             f"for one patient; at most {width} are allowed ({model.name}.jump_width): give "
                             "fewer doses or simulate a shorter span")
        jumps, n_j = jumps[:, :used], int(width)
    return np.concatenate([jumps, np.full((jumps.shape[0], n_j - jumps.shape[1]), t_end + 1.0)], axis=1)


def _solver(opts: SolverOptions):
    import diffrax

    if opts.solver.startswith("Kvaerno"):
        import optimistix as optx

        # A full Newton iteration instead of diffrax's default chord method: far fewer rejected
        # steps on these models (Osteosim lifetime: 289 -> 90 steps, same answer to 4e-9;
        # benchmarks/solver_study.py for Pivonka: 409 -> 110).
        newton = optx.Newton(rtol=min(1e-8, opts.rtol * 1e-2), atol=opts.atol * 1e-2)
        return getattr(diffrax, opts.solver)(root_finder=newton)
    return getattr(diffrax, opts.solver)()


def _build(model: Model, opts: SolverOptions):
    """``step_control="per_patient"``: vmap over one diffeqsolve per patient."""
    import diffrax

    solver = _solver(opts)
    pid = diffrax.PIDController(rtol=opts.rtol, atol=opts.atol, pcoeff=opts.pcoeff, icoeff=opts.icoeff)

    def one(y0, p, drv, scale, ts, t0, jumps):
        def f(t, z, args):
            return model.rhs(t, z * scale, p, drv) / scale

        controller = diffrax.ClipStepSizeController(pid, jump_ts=jumps)
        sol = diffrax.diffeqsolve(
            diffrax.ODETerm(f),
            solver,
            t0=t0,
            t1=ts[-1],
            dt0=opts.dt0,
            y0=y0 / scale,
            saveat=diffrax.SaveAt(ts=ts),
            stepsize_controller=controller,
            max_steps=opts.max_steps,
            throw=False,
        )
        return sol.ys * scale, sol.result == diffrax.RESULTS.successful, sol.stats["num_steps"]

    batched = jax.vmap(one, in_axes=(0, 0, 0, None, None, None, 0))
    return jax.jit(batched)


def _worst_patient_rms(x: jnp.ndarray) -> jnp.ndarray:
    """Error norm of a block: the largest per-patient RMS over states. x: (n_states, N)."""
    return jnp.max(jnp.sqrt(jnp.mean(x * x, axis=0)))


def _build_shared(model: Model, opts: SolverOptions):
    """``step_control="shared"``: the block is one ODE system; same arguments and results as :func:`_build`.

    States are laid out (n_states, N) (patients on the minor axis: each state's update is one
    contiguous vector operation; measured ~15 % faster than (N, n_states)).
    """
    import diffrax

    solver = _solver(opts)

    def block(y0, p, drv, scale, ts, t0, jumps):
        rhs = jax.vmap(lambda z, pi, di, t: model.rhs(t, z * scale, pi, di) / scale,
                       in_axes=(1, 0, 0, None), out_axes=1)

        def f(t, z, args):
            return rhs(z, p, drv, t)

        pid = diffrax.PIDController(rtol=opts.rtol, atol=opts.atol, pcoeff=opts.pcoeff, icoeff=opts.icoeff,
                                    norm=_worst_patient_rms)
        # every patient's switch and dose times (unused slots lie past the end, never reached)
        controller = diffrax.ClipStepSizeController(pid, jump_ts=jnp.ravel(jumps))
        sol = diffrax.diffeqsolve(
            diffrax.ODETerm(f),
            solver,
            t0=t0,
            t1=ts[-1],
            dt0=opts.dt0,
            y0=(y0 / scale).T,
            saveat=diffrax.SaveAt(ts=ts),
            stepsize_controller=controller,
            max_steps=opts.max_steps,
            throw=False,
        )
        n = y0.shape[0]
        ok = jnp.broadcast_to(sol.result == diffrax.RESULTS.successful, (n,))
        return jnp.transpose(sol.ys, (2, 0, 1)) * scale, ok, jnp.broadcast_to(sol.stats["num_steps"], (n,))

    return jax.jit(block)


def solve_batch(
    model: Model,
    params: Mapping[str, object],
    y0: np.ndarray,
    ts: np.ndarray,
    drivers: Mapping[str, object] | None = None,
    t0: float | None = None,
    options: SolverOptions | None = None,
    pad_to: int | None = None,
) -> BatchSolution:
    """Integrate N patients at once.

    params, drivers: name -> scalar, (N,) or (N, k) array (k: e.g. dosing blocks).
    y0: (N, n_states), or (n_states,) for one patient, whose params/drivers then carry no
    patient axis.  ts: (T,) save times in the model's time unit, ascending; t0 defaults to ts[0].
    Rodas5P: the N patients (padded to ``pad_to``) are a queue worked through by
    ``min(BLOCK, pad_to)`` lanes (:mod:`.rosenbrock`); parameters equal for all N are shared.
    """
    return _solve_batch(model, params, y0, ts, drivers, t0, _options(model, options), pad_to)


def _options(model: Model, options: SolverOptions | None) -> SolverOptions:
    return (options or SolverOptions(rtol=model.default_rtol, atol=model.default_rtol * 1e-2)).resolved(model)


def _solve_batch(model: Model, params, y0, ts, drivers, t0, opts: SolverOptions, pad_to: int | None,
                 lanes: int | None = None, shared: frozenset[str] | None = None,
                 refill: int | None = None, prepared: bool = True) -> BatchSolution:
    """:func:`solve_batch` with resolved options; Rodas5P: ``lanes`` lanes (default ``min(BLOCK, queue)``),
    the ``shared`` parameter names (default: those equal for all patients of this call), lanes
    per ``refill`` (default: :func:`.rosenbrock.build_rodas5p`'s) and ``prepared`` (its, for benchmarks)."""
    if np.ndim(y0) == 1:  # one patient: give every array value a patient axis
        params = {k: (np.asarray(v)[None] if np.ndim(v) else v) for k, v in params.items()}
        drivers = {k: (np.asarray(v)[None] if np.ndim(v) else v) for k, v in (drivers or {}).items()}
    y0 = np.atleast_2d(np.asarray(y0, dtype=np.float64))
    n_real = y0.shape[0]
    # Pad the patient axis to a bucket size so batches of similar size share one compiled
    # function (each new shape costs a full XLA compile, ~10 s for the full model).
    n = _bucket(n_real) if pad_to is None else int(pad_to)
    if n < n_real:
        raise ValueError(f"pad_to: {pad_to} is smaller than the {n_real} patients")
    if y0.shape[1] != model.n_states:
        raise ValueError(f"y0: expected {model.n_states} states {model.state_names}, got {y0.shape[1]}")
    ts = np.asarray(ts, dtype=np.float64)
    if ts.ndim != 1 or ts.size < 1 or np.any(np.diff(ts) < 0):
        raise ValueError("ts: save times must be a non-empty ascending 1-D array")
    t0 = float(ts[0]) if t0 is None else float(t0)
    drivers = dict(model.default_drivers(), **(drivers or {}))
    # per-patient input switches and dose times: the step controller stops at each of them
    jumps = _jump_table(model, drivers, n_real, t0, float(ts[-1]))
    p = _pad(_broadcast(params, n_real), n)
    d = _pad(_broadcast(drivers, n_real), n)
    y0 = np.concatenate([y0, np.repeat(y0[-1:], n - n_real, axis=0)]) if n > n_real else y0
    scale = np.asarray(model.state_scale(), dtype=np.float64)
    # Pad the save times to a power-of-two length (repeating the last time), and the switch
    # times to the model's fixed width (with a time past the end, never reached), for the same reason.
    n_ts = len(ts)
    ts_pad = np.concatenate([ts, np.repeat(ts[-1:], _bucket_ts(n_ts) - n_ts)])
    jumps = _fixed_width(model, jumps, float(ts[-1]))
    jumps = np.concatenate([jumps, np.repeat(jumps[-1:], n - n_real, axis=0)]) if n > n_real else jumps
    if opts.solver == "Rodas5P":  # a queue of n patients, n_real of them real, through the lanes
        shared = lanes_mod.shared_names(p, n_real, model.lane_parameters) if shared is None else shared
        args = (y0, *lanes_mod.split_params(p, shared), d, scale, ts_pad, np.asarray(t0), jumps,
                np.asarray(n_real, np.int32))
        n_lanes = min(lanes or BLOCK, n)
        fn = _compiled(model, opts, args, lanes_mod.lanes_builder(n_lanes, refill, prepared))
    else:
        args = (y0, p, d, scale, ts_pad, np.asarray(t0), jumps)
        fn = _compiled(model, opts, args, _build_shared if opts.step_control == "shared" else _build)
    ys, ok, steps, *it = fn(*args)
    ys = np.asarray(ys)[:, :n_ts]
    # Rodas5P: the lane-steps paid (loop iterations x lanes), for benchmarks
    extra = {"lane_steps": int(it[0]) * n_lanes} if it else {}
    return BatchSolution(np.asarray(ts), ys[:n_real], tuple(model.state_names),
                         np.asarray(ok)[:n_real], np.asarray(steps)[:n_real], extra)


def _bucket(n: int) -> int:
    """Smallest of 8, 32, 128, 512, 2048 (then multiples of 2048) that holds n patients.

    The minimum of 8 lanes matters for reproducibility: XLA's vectorised math rounds a
    remainder lane differently from a full SIMD lane, so every batch is padded to whole
    vectors and a patient's numbers do not depend on the chunk it was solved in.
    """
    b = 8
    while b < n and b < 2048:
        b *= 4
    return b if n <= b else int(np.ceil(n / 2048) * 2048)


def _bucket_ts(n: int, smallest: int = 16) -> int:
    b = smallest
    while b < n:
        b *= 2
    return b


def _signature(args) -> tuple:
    leaves, tree = jax.tree_util.tree_flatten(args)
    return (str(tree), tuple((tuple(np.shape(x)), str(np.asarray(x).dtype)) for x in leaves))


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Hash of the package source and the numerical stack: a stale export is never reused."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(f.read_bytes())
    from importlib.metadata import version

    h.update(f"{jax.__version__}/{version('diffrax')}/{version('equinox')}".encode())
    return h.hexdigest()[:16]


def _compiled(model: Model, opts, args, build=None):
    """The batched solver for these shapes: in memory, else from the export cache, else traced.

    Tracing diffrax's implicit solvers costs seconds per process; ``jax.export`` stores the
    traced computation on disk (keyed by the code fingerprint, model, options and shapes) so a
    warm start only deserialises it, and XLA's persistent cache supplies the compiled binary.
    """
    build = build or _build
    key = (model.cache_key(), build.__name__, opts, _signature(args))
    fn = _COMPILED.get(key)
    if fn is not None:
        return fn
    digest = hashlib.sha256(repr((_code_fingerprint(), key)).encode()).hexdigest()[:32]
    path = EXPORT_DIR / f"{model.name}-{digest}.jaxexport" if EXPORT_DIR else None
    exported = None
    if path is not None and path.exists():
        try:
            exported = jax_export.deserialize(bytearray(path.read_bytes()))
        except Exception:  # a corrupt or foreign file: trace again
            exported = None
    if exported is None:
        jitted = build(model, opts)
        try:
            exported = jax_export.export(jitted)(*args)
        except NotImplementedError:
            # host callbacks cannot be serialised (equinox imported before osteosim set
            # EQX_ON_ERROR): run the jitted function, without the warm-start cache
            fn = _COMPILED[key] = jitted
            return fn
        if path is not None:
            try:
                from ..io_utils import atomic_write_bytes

                atomic_write_bytes(path, exported.serialize())
            except Exception:  # a read-only cache must not stop a simulation
                pass
    fn = _COMPILED[key] = jax.jit(exported.call)
    return fn


def _pad(d: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    out = {}
    for k, v in d.items():
        extra = n - v.shape[0]
        out[k] = np.concatenate([v, np.repeat(v[-1:], extra, axis=0)]) if extra > 0 else v
    return out


#: patients per compiled call in solve_chunked (see there)
BLOCK = 256


def _take(d: Mapping[str, object], sl: slice, n: int) -> dict:
    out = {}
    for k, v in d.items():
        a = np.asarray(v)
        out[k] = a[sl] if a.ndim >= 1 and a.shape[0] == n else v
    return out


def solve_chunked(
    model: Model,
    params: Mapping[str, object],
    y0: np.ndarray,
    ts: np.ndarray,
    drivers: Mapping[str, object] | None = None,
    t0: float | None = None,
    options: SolverOptions | None = None,
    chunk_size: int = 1024,
    progress=None,
    block: int = BLOCK,
    shared: frozenset[str] | None = None,
) -> BatchSolution:
    """:func:`solve_batch` over chunks of patients: memory is bounded by the chunk, not by N.

    XLA compiles different code for different batch widths, whose last-bit rounding differs
    (measured: 1 ulp).  So every compiled call here has exactly ``block`` lanes and patient i
    always sits in block i // block at lane i % block: results are bit-identical whatever the
    chunk size (rounded up to a whole number of blocks) and wherever a chunk runs.
    Rodas5P: each chunk is one queue worked through by ``block`` lanes (a lane that finishes its
    patient takes the next), with the parameters shared by all N patients passed once; a patient's
    numbers depend only on its own inputs and ``block``.  ``shared``: the parameter names passed as
    shared scalars (default: those equal for all N patients); a caller that splits one population
    over several calls (trial tasks) names them, so the split, and with it the last bit of every
    number, does not depend on which patients a call happens to hold.
    ``progress(done, total)`` is called per chunk.
    """
    y0 = np.atleast_2d(np.asarray(y0, dtype=np.float64))
    n = y0.shape[0]
    if chunk_size < 1:
        raise ValueError(f"chunk_size: {chunk_size} must be >= 1")
    if block < 1:
        raise ValueError(f"block: {block} must be >= 1")
    chunk_size = int(np.ceil(chunk_size / block) * block)
    opts = _options(model, options)
    lanes = opts.solver == "Rodas5P"
    if not lanes:
        shared = None
    elif shared is None:
        shared = lanes_mod.shared_names(_broadcast(params, n), n, model.lane_parameters)
    else:
        shared = frozenset(shared) - set(model.lane_parameters)
    parts = []
    call = chunk_size if lanes else block  # patients per compiled call: a queue, or one block
    for start in range(0, n, chunk_size):
        stop = min(start + chunk_size, n)
        for b0 in range(start, stop, call):
            sl = slice(b0, min(b0 + call, stop))
            parts.append(_solve_batch(model, _take(params, sl, n), y0[sl], ts, _take(drivers or {}, sl, n), t0,
                                      opts, pad_to=call, lanes=block, shared=shared))
        if progress is not None:
            progress(stop, n)
    return BatchSolution(
        parts[0].ts,
        np.concatenate([p.ys for p in parts]),
        parts[0].state_names,
        np.concatenate([p.ok for p in parts]),
        np.concatenate([p.num_steps for p in parts]),
        {"lane_steps": sum(p.extra["lane_steps"] for p in parts)} if lanes else {},
    )


def _build_outputs(model: Model, _opts):
    def f(ts, ys, p, d):
        return jax.vmap(lambda t, y: model.outputs(t, y, p, d))(ts, ys)

    return jax.jit(f)


def _outputs_args(ts, ys, params: Mapping, drivers: Mapping) -> tuple:
    return (
        np.asarray(ts, dtype=np.float64),
        np.asarray(ys, dtype=np.float64),
        {k: np.asarray(v, dtype=np.float64) for k, v in params.items()},
        {k: np.asarray(v, dtype=np.float64) for k, v in drivers.items()},
    )


def outputs_over_time(model: Model, ts: np.ndarray, ys: np.ndarray, params: Mapping, drivers: Mapping,
                      warming: threading.Thread | None = None) -> dict:
    """``model.outputs`` for one patient at every saved time, as numpy arrays (compiled, cached).

    ``warming``: the thread of :func:`warm_outputs` for these shapes, waited for first."""
    if warming is not None:
        warming.join()
    if type(model).outputs is Model.outputs:  # the model defines no derived outputs
        return {}
    args = _outputs_args(ts, ys, params, drivers)
    out = _compiled(model, None, args, _build_outputs)(*args)
    return {k: np.asarray(v) for k, v in out.items()}


def warm_outputs(model: Model, ts: np.ndarray, y0: np.ndarray, params: Mapping,
                 drivers: Mapping) -> threading.Thread | None:
    """Compile :func:`outputs_over_time`'s function for one patient's shapes ((T,) save times, (n,) state)
    in a background thread, while the caller's solve compiles: XLA compiles outside the GIL, so on an
    empty cache the two compiles overlap on two cores instead of following each other.  The thread runs
    the function once on ``y0`` at every save time, which leaves it compiled in memory; pass the thread
    to :func:`outputs_over_time`.  None when the model has no derived outputs."""
    if type(model).outputs is Model.outputs:
        return None
    y0 = np.asarray(y0, dtype=np.float64)
    args = _outputs_args(ts, np.broadcast_to(y0, (len(ts), y0.shape[-1])), params, drivers)

    def run() -> None:
        try:
            _compiled(model, None, args, _build_outputs)(*args)
        except Exception:  # only a warm-up: a real problem shows in outputs_over_time itself
            pass

    thread = threading.Thread(target=run, name="osteosim-warm-outputs", daemon=True)
    thread.start()
    return thread
