"""The one model contract every model of the zoo follows.

A model is a small, immutable description: its state names, its default
(cited) parameter set, how to build an initial state, and a *pure* right-hand
side written in ``jax.numpy``.  The RHS sees one patient; :mod:`osteosim.solve`
vectorises it over a leading patient axis with ``jax.vmap``.

Shapes: ``y`` is ``(n_states,)``; ``p`` and ``drivers`` are dicts of scalars
(one patient's values).  Time ``t`` is in the model's ``time_unit`` (days for
every model here).

:class:`ModelContract` states the contract as a ``typing.Protocol`` (what the run
lane, the solver and the outcome layer may use, and nothing else); :class:`Model`
is the base class that implements it with neutral defaults, so a new model is one
module under ``models/`` that subclasses :class:`Model`, is decorated with
:func:`register_model` (``models/__init__.py`` imports every module of the folder), and has its parameter set
under ``parameters/``.  Every attribute the rest of the package reads is declared
here (no ``getattr`` probing of models anywhere).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from ..parameters.base import ParameterSet
from ..units import DAYS_PER_YEAR

__all__ = ["BlockStructure", "Model", "ModelContract", "MODEL_REGISTRY", "register_model", "get_model"]

Array = Any


@dataclass(frozen=True)
class BlockStructure:
    """Which states couple: ``blocks`` (equal-size groups of state indices, e.g. one per skeletal
    site) interact only with each other's ``coupling`` states, never with another block.

    So the Jacobian df/dy is zero between two different blocks, and the solver's linear systems
    ``I/(h gamma) - J`` are block-bordered: it factors each block and a small Schur complement of
    the coupling states (:mod:`osteosim.solve.linalg`).  ``blocks`` and ``coupling`` partition
    ``range(n_states)`` exactly (checked here); equal block sizes let the solver stack the blocks
    on one vectorised axis.

    ``downstream``: states of the blocks that no rate reads except their own (the Jacobian's
    column of such a state is zero off its diagonal entry; its own rate may read any state of its
    block and the coupling states).  The solver then takes their Jacobian columns with one forward
    direction for all of them, factors only the other ("core") states and gets the downstream ones
    by a substitution (:mod:`osteosim.solve.linalg`).  Every block holds the same number of them
    and keeps at least one core state (checked here), so the core blocks stack too.

    ``read_by_coupling``: the core block states that the coupling states' rates may read (None: any).
    At a position of the core blocks where no block's state is among them, the solver takes that
    column of every block with ONE forward direction (:func:`osteosim.solve.linalg.jacobian`).
    """

    n_states: int
    blocks: tuple[tuple[int, ...], ...]  # (n_blocks, block_size) state indices
    coupling: tuple[int, ...]  # the states every block may depend on (and that depend on every block)
    downstream: tuple[int, ...] = ()  # states of the blocks that no other state's rate reads
    read_by_coupling: tuple[int, ...] | None = None  # core block states the coupling rows may read (None: all)

    def __post_init__(self):
        sizes = {len(b) for b in self.blocks}
        if not self.blocks or len(sizes) != 1 or 0 in sizes:
            raise ValueError(f"block_structure.blocks: {self.blocks!r}; allowed: one or more non-empty "
                             "groups of state indices, all of the same size")
        flat = [i for b in self.blocks for i in b] + list(self.coupling)
        if sorted(flat) != list(range(self.n_states)):
            dup = sorted({i for i in flat if flat.count(i) > 1})
            missing = sorted(set(range(self.n_states)) - set(flat))
            extra = sorted(set(flat) - set(range(self.n_states)))
            raise ValueError(f"block_structure: blocks + coupling must hold each of the {self.n_states} state "
                             f"indices exactly once; repeated {dup}, missing {missing}, out of range {extra}")
        down = list(self.downstream)
        in_blocks = {i for b in self.blocks for i in b}
        dup = sorted({i for i in down if down.count(i) > 1})
        outside = sorted({i for i in down if i not in in_blocks})
        if dup or outside:
            raise ValueError(f"block_structure.downstream: {self.downstream!r}; allowed: states of the blocks, each "
                             f"once; repeated {dup}, not in a block (coupling or out of range) {outside}")
        counts = [len(set(b) & set(down)) for b in self.blocks]
        if down and (len(set(counts)) != 1 or counts[0] == len(self.blocks[0])):
            raise ValueError(f"block_structure.downstream: the blocks hold {counts} downstream states of "
                             f"{len(self.blocks[0])}; allowed: the same number in every block, fewer than its size")
        if self.read_by_coupling is not None:
            core = {i for b in self.core_blocks for i in b}
            bad = sorted({i for i in self.read_by_coupling if i not in core})
            if bad:
                raise ValueError(f"block_structure.read_by_coupling: {bad} are not core block states; allowed: states "
                                 "of the blocks that are not downstream")

    @classmethod
    def from_names(cls, state_names: tuple[str, ...], blocks, coupling, downstream=(),
                   read_by_coupling=None) -> BlockStructure:
        """The structure given by state names: ``blocks`` a list of name groups, ``coupling``,
        ``downstream`` and ``read_by_coupling`` (None: all) names."""
        index = {name: i for i, name in enumerate(state_names)}

        def idx(name):
            if name not in index:
                raise ValueError(f"block_structure: unknown state {name!r}; allowed: {', '.join(state_names)}")
            return index[name]

        return cls(len(state_names), tuple(tuple(idx(n) for n in b) for b in blocks), tuple(idx(n) for n in coupling),
                   tuple(idx(n) for n in downstream),
                   None if read_by_coupling is None else tuple(idx(n) for n in read_by_coupling))

    @property
    def core_blocks(self) -> tuple[tuple[int, ...], ...]:
        """Each block without its downstream states (all of it when none are declared)."""
        down = set(self.downstream)
        return tuple(tuple(i for i in b if i not in down) for b in self.blocks)

    @property
    def block_downstream(self) -> tuple[tuple[int, ...], ...]:
        """Each block's downstream states, in the block's order (empty tuples when none are declared)."""
        down = set(self.downstream)
        return tuple(tuple(i for i in b if i in down) for b in self.blocks)

    @property
    def unread_positions(self) -> tuple[int, ...]:
        """Positions j in the core blocks where no block's j-th core state is read by a coupling row."""
        if self.read_by_coupling is None:
            return ()
        read = set(self.read_by_coupling)
        return tuple(j for j in range(len(self.core_blocks[0])) if all(b[j] not in read for b in self.core_blocks))

    @property
    def order(self) -> np.ndarray:
        """(n_states,) the states in solver order: the core of block 0, block 1, ..., the coupling
        states, then the downstream states of block 0, block 1, ..."""
        return np.array([i for b in self.core_blocks for i in b] + list(self.coupling)
                        + [i for b in self.block_downstream for i in b], dtype=int)


@runtime_checkable
class ModelContract(Protocol):
    """What every zoo model provides (checked for each registered model in tests/models/)."""

    name: str
    state_names: tuple[str, ...]
    time_unit: str
    solver: str
    default_rtol: float
    description: str
    uses_patient: bool
    default_years: float
    sbml_exportable: bool
    jump_width: int | None
    block_structure: BlockStructure | None
    lane_parameters: tuple[str, ...]

    def default_parameters(self) -> ParameterSet: ...
    def default_drivers(self) -> dict[str, Any]: ...
    def complete_drivers(self, params: dict, drivers: dict) -> dict: ...
    def initial_state(self, params: ParameterSet | dict, drivers: dict | None = None) -> np.ndarray: ...
    def start_time(self, drivers: dict) -> float: ...
    def rhs(self, t: Array, y: Array, p: dict, drivers: dict) -> Array: ...
    def outputs(self, t: Array, y: Array, p: dict, drivers: dict) -> dict[str, Array]: ...
    def state_scale(self) -> np.ndarray: ...
    def jump_times(self, drivers: dict) -> list: ...
    def cache_key(self) -> tuple: ...

    @property
    def n_states(self) -> int: ...


class Model:
    """Base of every zoo model: the contract's declared attributes with their defaults."""

    name: ClassVar[str] = "Model"
    state_names: tuple[str, ...] = ()
    time_unit: ClassVar[str] = "day"
    #: diffrax solver chosen for this model by measurement (see benchmarks/README.md)
    solver: ClassVar[str] = "Kvaerno5"
    #: default relative tolerance (scaled states); see benchmarks/README.md for the error it gives
    default_rtol: ClassVar[float] = 1e-8
    #: one line for ``osteosim models`` and the web model list
    description: ClassVar[str] = ""
    #: what the model needs from a patient: False = a classic model (no patient, no regimen; runs
    #: from its published initial state at t = 0); True = driven by a :class:`~osteosim.physiology.patient.Patient`
    #: (its drivers come from :func:`osteosim.physiology.drivers.patient_drivers`, regimens add
    #: dose tables, and a run starts at :meth:`start_time`, the young-adult peak)
    uses_patient: ClassVar[bool] = False
    #: span (years) of a classic run when none is given: 1000 days
    default_years: ClassVar[float] = 1000 / DAYS_PER_YEAR
    #: False opts out of :func:`osteosim.interop.sbml.export_sbml` (e.g. a primitive SBML cannot express)
    sbml_exportable: ClassVar[bool] = True

    # --- parameters and inputs ---------------------------------------------
    def default_parameters(self) -> ParameterSet:  # pragma: no cover - abstract
        raise NotImplementedError

    def default_drivers(self) -> dict[str, float]:
        """External inputs (load cases, patient drivers) with their neutral values."""
        return {}

    def complete_drivers(self, params: dict, drivers: dict) -> dict:
        """Derived constant inputs (e.g. reference steady states) added before a solve.

        A derived input depends on ``params`` only (the run lane computes it once per run when the
        lanes share their reference parameters, :func:`osteosim.runs.build_run`)."""
        return dict(drivers)

    def initial_state(self, params: ParameterSet | dict, drivers: dict | None = None) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def start_time(self, drivers: dict) -> float:
        """Model time (days) where :meth:`initial_state` applies: 0 for classic models."""
        return 0.0

    # --- dynamics ------------------------------------------------------------
    def rhs(self, t: Array, y: Array, p: dict, drivers: dict) -> Array:  # pragma: no cover - abstract
        raise NotImplementedError

    def outputs(self, t: Array, y: Array, p: dict, drivers: dict) -> dict[str, Array]:
        """Derived quantities (signals, bone mass, ...) for one patient at one time."""
        return {}

    def state_scale(self) -> np.ndarray:
        """Typical magnitude of each state; the solver integrates y / scale."""
        return np.ones(self.n_states)

    #: fixed width of the per-patient jump table (a model whose regimens add jump times sets it,
    #: so a regimen change never changes the compiled shape); None: a power-of-two bucket
    jump_width: ClassVar[int | None] = None
    #: parameters a run may set differently for the lanes of ONE patient (e.g. mechanism switches
    #: of a regimen's attribution lanes): the Rodas5P solve always passes them per patient, so a
    #: regimen never changes which parameters are shared scalars (the compiled signature)
    lane_parameters: ClassVar[tuple[str, ...]] = ()

    #: which states couple (the Jacobian's zero blocks, see :class:`BlockStructure`): the Rosenbrock
    #: solver factors block by block; None: dense LU
    block_structure: ClassVar[BlockStructure | None] = None

    def jump_times(self, drivers: dict) -> list[float]:
        """Times where inputs switch (the step controller clips steps to them)."""
        return []

    # --- identity --------------------------------------------------------------
    def cache_key(self) -> tuple:
        """Hashable identity for compiled-function caches (class + configuration)."""
        return (type(self).__name__,)

    @property
    def n_states(self) -> int:
        return len(self.state_names)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


MODEL_REGISTRY: dict[str, type[Model]] = {}


def register_model(cls: type[Model]) -> type[Model]:
    MODEL_REGISTRY[cls.name] = cls
    return cls


def get_model(name: str) -> Model:
    """Instantiate a zoo model by name; unknown names get the list of allowed ones."""
    for key, cls in MODEL_REGISTRY.items():
        if key.lower() == str(name).lower():
            return cls()
    allowed = ", ".join(sorted(MODEL_REGISTRY))
    raise ValueError(f"model: unknown model {name!r}; allowed: {allowed}")
