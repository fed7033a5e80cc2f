"""SBML export of any zoo model, generated from the model's own right-hand side.

The RHS (pure ``jax.numpy``) is traced with :func:`jax.make_jaxpr` on symbolic
placeholders for the states, the parameters, the drivers and the time; the
jaxpr is then interpreted over arrays of *symbolic expression nodes* and each
state's derivative is written as an SBML Level 3 Version 2 ``rateRule``.  Code
and SBML therefore cannot drift: the SBML is what the code computes.

Layout of the exported model
----------------------------
- every state is a non-constant ``parameter`` with a ``rateRule`` (libroadrunner
  handles these exactly like species, with no compartment/amount semantics);
- every model parameter and every driver is a constant ``parameter`` whose value,
  unit, source and citations are kept in an ``osteosim`` annotation;
- intermediate quantities used more than once become non-constant parameters
  ``_v<N>`` with ``assignmentRule`` s (single-use ones are inlined);
- the model's ``outputs()`` (signals, bone mass, ...) become assignment rules too,
  so a libroadrunner user can plot them by name;
- time is the csymbol ``time`` (unit: the model's ``time_unit``, a day here).

Structural array operations (slice, gather, reshape, concatenate, stack,
scatter, ...) are evaluated exactly by running the JAX primitive itself on
arrays of element ids, so any data movement with constant indices is supported.
Primitives with no SBML counterpart raise :class:`NotImplementedError` naming
the primitive.

Functions: :func:`export_sbml`, :func:`export_sbml_file`,
:func:`simulate_sbml_roadrunner`, :func:`validate_sbml`.
"""
from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .. import _jax  # noqa: F401  (float64)

import jax
import jax.numpy as jnp
import numpy as np

from .. import citations
from ..models.base import Model, get_model
from ..parameters.base import ParameterSet

__all__ = [
    "export_sbml",
    "export_sbml_file",
    "simulate_sbml_roadrunner",
    "validate_sbml",
    "sbml_state_ids",
    "sbml_time_offset",
    "SUPPORTED_PRIMITIVES",
    "OSTEOSIM_SBML_NS",
]

OSTEOSIM_SBML_NS = "https://osteosim.org/ns/sbml/1"
_XHTML = "http://www.w3.org/1999/xhtml"


# ---------------------------------------------------------------------------
# symbolic expression nodes
# ---------------------------------------------------------------------------
class _Node:
    """One scalar expression: a leaf (symbol / constant) or an operation on nodes."""

    __slots__ = ("op", "args", "value", "is_bool", "idx")

    def __init__(self, op: str, args: tuple, value: Any, is_bool: bool, idx: int):
        self.op = op
        self.args = args
        self.value = value
        self.is_bool = is_bool
        self.idx = idx

    @property
    def is_const(self) -> bool:
        return self.op == "const"

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"_Node({self.op}, {self.value!r}, #{self.idx})"


class _Graph:
    """Hash-consed expression DAG (common sub-expressions are shared)."""

    def __init__(self) -> None:
        self._table: dict[tuple, _Node] = {}
        self.nodes: list[_Node] = []

    def _intern(self, op: str, args: tuple, value: Any, is_bool: bool) -> _Node:
        key = (op, tuple(a.idx for a in args), _const_key(value))
        node = self._table.get(key)
        if node is None:
            node = _Node(op, args, value, is_bool, len(self.nodes))
            self._table[key] = node
            self.nodes.append(node)
        return node

    # leaves -------------------------------------------------------------
    def sym(self, name: str) -> _Node:
        return self._intern("sym", (), name, False)

    def const(self, v: Any) -> _Node:
        if isinstance(v, (bool, np.bool_)):
            return self._intern("const", (), bool(v), True)
        if isinstance(v, (int, np.integer)):
            return self._intern("const", (), int(v), False)
        return self._intern("const", (), float(v), False)

    # arithmetic (with the few simplifications that are exact) -------------
    def add(self, a: _Node, b: _Node) -> _Node:
        if a.is_const and b.is_const:
            return self.const(np.float64(a.value) + np.float64(b.value))
        if _is_zero(b):
            return a
        if _is_zero(a):
            return b
        return self._intern("add", (a, b), None, False)

    def sub(self, a: _Node, b: _Node) -> _Node:
        if a.is_const and b.is_const:
            return self.const(np.float64(a.value) - np.float64(b.value))
        if _is_zero(b):
            return a
        if _is_zero(a):
            return self.neg(b)
        return self._intern("sub", (a, b), None, False)

    def mul(self, a: _Node, b: _Node) -> _Node:
        if a.is_const and b.is_const:
            return self.const(np.float64(a.value) * np.float64(b.value))
        if _is_one(b):
            return a
        if _is_one(a):
            return b
        return self._intern("mul", (a, b), None, False)

    def div(self, a: _Node, b: _Node) -> _Node:
        if a.is_const and b.is_const:
            with np.errstate(all="ignore"):
                return self.const(np.float64(a.value) / np.float64(b.value))
        if _is_one(b):
            return a
        return self._intern("div", (a, b), None, False)

    def neg(self, a: _Node) -> _Node:
        if a.is_const:
            return self.const(-np.float64(a.value))
        if a.op == "neg":
            return a.args[0]
        return self._intern("neg", (a,), None, False)

    def pow(self, a: _Node, b: _Node) -> _Node:
        if a.is_const and b.is_const:
            with np.errstate(all="ignore"):
                return self.const(np.power(np.float64(a.value), np.float64(b.value)))
        if _is_one(b):
            return a
        return self._intern("pow", (a, b), None, False)

    def fn(self, name: str, *args: _Node) -> _Node:
        if all(a.is_const for a in args) and name in _NUMERIC_FN:
            with np.errstate(all="ignore"):
                return self.const(_NUMERIC_FN[name](*[np.float64(a.value) for a in args]))
        return self._intern("fn", tuple(args), name, False)

    # logic ------------------------------------------------------------------
    def cmp(self, name: str, a: _Node, b: _Node) -> _Node:
        if a.is_const and b.is_const:
            return self.const(bool(_NUMERIC_CMP[name](a.value, b.value)))
        if a.is_bool or b.is_bool:
            if name == "eq":
                return self.logic("or", self.logic("and", a, b), self.logic("and", self.logic("not", a), self.logic("not", b)))
            if name == "neq":
                return self.logic("xor", a, b)
            a, b = self.bool_to_num(a), self.bool_to_num(b)
        return self._intern("cmp", (a, b), name, True)

    def logic(self, name: str, *args: _Node) -> _Node:
        args = tuple(self.num_to_bool(a) if not a.is_bool else a for a in args)
        if all(a.is_const for a in args):
            vals = [bool(a.value) for a in args]
            res = {"and": lambda: all(vals), "or": lambda: any(vals), "xor": lambda: vals[0] != vals[1],
                   "not": lambda: not vals[0]}[name]()
            return self.const(res)
        if name == "not" and args[0].op == "logic" and args[0].value == "not":
            return args[0].args[0]
        if name in ("and", "or"):
            consts = [a for a in args if a.is_const]
            rest = [a for a in args if not a.is_const]
            if name == "and" and any(not c.value for c in consts):
                return self.const(False)
            if name == "or" and any(c.value for c in consts):
                return self.const(True)
            if len(rest) == 1:
                return rest[0]
            args = tuple(rest)
        return self._intern("logic", args, name, True)

    def piecewise(self, value_if: _Node, cond: _Node, otherwise: _Node) -> _Node:
        cond = cond if cond.is_bool else self.num_to_bool(cond)
        if cond.is_const:
            return value_if if cond.value else otherwise
        if value_if is otherwise:
            return value_if
        if value_if.is_bool or otherwise.is_bool:  # boolean-valued choice: keep it logical
            vi, ot = self.num_to_bool(value_if), self.num_to_bool(otherwise)
            return self.logic("or", self.logic("and", cond, vi), self.logic("and", self.logic("not", cond), ot))
        return self._intern("piecewise", (value_if, cond, otherwise), None, False)

    def bool_to_num(self, a: _Node) -> _Node:
        if not a.is_bool:
            return a
        if a.is_const:
            return self.const(1.0 if a.value else 0.0)
        return self.piecewise(self.const(1.0), a, self.const(0.0))

    def num_to_bool(self, a: _Node) -> _Node:
        if a.is_bool:
            return a
        if a.is_const:
            return self.const(bool(a.value))
        return self.cmp("neq", a, self.const(0.0))


def _const_key(v: Any) -> Any:
    if isinstance(v, float):
        if math.isnan(v):
            return ("nan",)
        return (type(v).__name__, v, math.copysign(1.0, v))  # keep -0.0 apart from 0.0
    return (type(v).__name__, v)


def _is_zero(n: _Node) -> bool:
    return n.is_const and not n.is_bool and n.value == 0 and math.copysign(1.0, float(n.value)) > 0


def _is_one(n: _Node) -> bool:
    return n.is_const and not n.is_bool and n.value == 1


_NUMERIC_FN = {
    "exp": np.exp, "ln": np.log, "sqrt": np.sqrt, "abs": np.abs, "floor": np.floor, "ceiling": np.ceil,
    "tanh": np.tanh, "sin": np.sin, "cos": np.cos, "tan": np.tan, "arcsin": np.arcsin, "arccos": np.arccos,
    "arctan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "arcsinh": np.arcsinh, "arccosh": np.arccosh,
    "arctanh": np.arctanh, "max": np.maximum, "min": np.minimum, "rem": np.fmod,
}
_NUMERIC_CMP = {
    "lt": lambda a, b: a < b, "leq": lambda a, b: a <= b, "gt": lambda a, b: a > b,
    "geq": lambda a, b: a >= b, "eq": lambda a, b: a == b, "neq": lambda a, b: a != b,
}


# ---------------------------------------------------------------------------
# jaxpr interpreter over object arrays of nodes
# ---------------------------------------------------------------------------
def _node_array(g: _Graph, value: Any) -> np.ndarray:
    """Numeric array -> object array of constant nodes."""
    a = np.asarray(value)
    out = np.empty(a.shape, dtype=object)
    flat = a.reshape(-1)
    for i in range(flat.size):
        out.flat[i] = g.const(flat[i].item())
    return out


def _all_const(arr: np.ndarray) -> bool:
    return all(n.is_const for n in arr.flat)


def _numeric(arr: np.ndarray, dtype) -> np.ndarray:
    return np.array([n.value for n in arr.flat], dtype=dtype).reshape(arr.shape)


def _elementwise(fn, *arrays: np.ndarray) -> np.ndarray:
    arrays = np.broadcast_arrays(*arrays)
    shape = arrays[0].shape
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(shape):
        out[idx] = fn(*[a[idx] for a in arrays])
    return out


_SUBJAXPR_PRIMS = {
    "pjit": "jaxpr", "jit": "jaxpr", "closed_call": "call_jaxpr", "core_call": "call_jaxpr",
    "remat": "jaxpr", "remat2": "jaxpr", "checkpoint": "jaxpr", "custom_jvp_call": "call_jaxpr",
    "custom_vjp_call": "call_jaxpr", "custom_vjp_call_jaxpr": "fun_jaxpr", "custom_lin": None,
}

# pure data movement: evaluated by running the primitive on element ids.  Value = positions of
# index operands (which must be constants); every other operand is data.
_STRUCTURAL_PRIMS: dict[str, tuple[int, ...] | str] = {
    "slice": (), "squeeze": (), "reshape": (), "broadcast_in_dim": (), "transpose": (),
    "concatenate": (), "rev": (), "expand_dims": (), "stack": (), "split": (), "pad": (),
    "gather": (1,), "dynamic_slice": "tail1", "dynamic_update_slice": "tail2", "scatter": (1,),
    "copy": (), "copy_p": (), "optimization_barrier": (),
}

_UNARY_FN = {
    "exp": "exp", "log": "ln", "sqrt": "sqrt", "abs": "abs", "floor": "floor", "ceil": "ceiling",
    "tanh": "tanh", "sin": "sin", "cos": "cos", "tan": "tan", "asin": "arcsin", "acos": "arccos",
    "atan": "arctan", "sinh": "sinh", "cosh": "cosh", "asinh": "arcsinh", "acosh": "arccosh",
    "atanh": "arctanh",
}
_CMP = {"lt": "lt", "le": "leq", "gt": "gt", "ge": "geq", "eq": "eq", "ne": "neq"}
_REDUCE = {"reduce_sum": "add", "reduce_prod": "mul", "reduce_max": "max", "reduce_min": "min",
           "reduce_and": "and", "reduce_or": "or"}

_ELEMENTWISE = (
    {"add", "sub", "mul", "div", "neg", "pow", "integer_pow", "square", "rsqrt", "cbrt", "exp2",
     "log1p", "expm1", "logistic", "sign", "round", "max", "min", "clamp", "select_n", "and", "or",
     "not", "xor", "convert_element_type", "reduce_precision", "rem"}
    | set(_UNARY_FN) | set(_CMP)
)

#: every jaxpr primitive the exporter translates (plus any primitive whose inputs are all constants).
SUPPORTED_PRIMITIVES: tuple[str, ...] = tuple(
    sorted(_ELEMENTWISE | set(_STRUCTURAL_PRIMS) | set(_REDUCE) | {"dot_general", "cond", "iota"}
           | {k for k in _SUBJAXPR_PRIMS if _SUBJAXPR_PRIMS[k]})
)


try:  # jax >= 0.4.30
    from jax.extend.core import Literal as _Literal
except ImportError:  # pragma: no cover
    from jax.core import Literal as _Literal


def _is_literal(v: Any) -> bool:
    return isinstance(v, _Literal)


def _dtype_kind(aval) -> str:
    return np.dtype(aval.dtype).kind  # 'f', 'i', 'u', 'b'


class _Interpreter:
    def __init__(self, graph: _Graph):
        self.g = graph

    # ------------------------------------------------------------------
    def run(self, jaxpr, consts: list, args: list[np.ndarray]) -> list[np.ndarray]:
        env: dict[Any, np.ndarray] = {}

        def read(v):
            if _is_literal(v):
                return _node_array(self.g, v.val)
            return env[v]

        for v, c in zip(jaxpr.constvars, consts):
            env[v] = c if isinstance(c, np.ndarray) and c.dtype == object else _node_array(self.g, c)
        for v, a in zip(jaxpr.invars, args):
            env[v] = a
        for eqn in jaxpr.eqns:
            invals = [read(v) for v in eqn.invars]
            outs = self.eqn(eqn, invals)
            for v, o in zip(eqn.outvars, outs):
                if type(v).__name__ != "DropVar":
                    env[v] = o
        return [read(v) for v in jaxpr.outvars]

    def run_closed(self, closed, args):
        if hasattr(closed, "jaxpr") and hasattr(closed, "consts"):
            return self.run(closed.jaxpr, list(closed.consts), args)
        return self.run(closed, [], args)  # an open Jaxpr (remat/checkpoint)

    # ------------------------------------------------------------------
    def eqn(self, eqn, invals: list[np.ndarray]) -> list[np.ndarray]:
        name = eqn.primitive.name
        params = eqn.params
        if name in _SUBJAXPR_PRIMS and _SUBJAXPR_PRIMS[name]:
            key = _SUBJAXPR_PRIMS[name]
            sub = params.get(key)
            if sub is None:  # custom_vjp flavours keep it under another name in some versions
                sub = next((v for v in params.values() if hasattr(v, "eqns") or hasattr(v, "jaxpr")), None)
            if sub is None:
                raise NotImplementedError(f"SBML export: primitive {name!r} without a sub-jaxpr")
            nargs = len(sub.jaxpr.invars) if hasattr(sub, "jaxpr") else len(sub.invars)
            return self.run_closed(sub, invals[len(invals) - nargs:])
        if name == "cond":
            return self._cond(eqn, invals)
        if name in _STRUCTURAL_PRIMS:
            return self._structural(eqn, invals)
        if all(_all_const(a) for a in invals):
            # constant folding (iota, literal arithmetic) with JAX's own float64 semantics
            return self._fold(eqn, invals)
        if name in _REDUCE:
            return [self._reduce(eqn, invals[0])]
        if name == "dot_general":
            return [self._dot_general(eqn, invals[0], invals[1])]
        if name in _ELEMENTWISE:
            return [self._elementwise(eqn, invals)]
        raise NotImplementedError(
            f"SBML export: JAX primitive {name!r} has no SBML translation "
            f"(supported: {', '.join(SUPPORTED_PRIMITIVES)})"
        )

    def _fold(self, eqn, invals):
        vals = [jnp.asarray(_numeric(a, v.aval.dtype)) for a, v in zip(invals, eqn.invars)]
        out = eqn.primitive.bind(*vals, **eqn.params)
        outs = out if eqn.primitive.multiple_results else [out]
        return [_node_array(self.g, np.asarray(o)) for o in outs]

    # ------------------------------------------------------------------
    def _structural(self, eqn, invals):
        name = eqn.primitive.name
        spec = _STRUCTURAL_PRIMS[name]
        n = len(invals)
        if spec == "tail1":
            index_pos = set(range(1, n))
        elif spec == "tail2":
            index_pos = set(range(2, n))
        else:
            index_pos = set(spec)
        pool: list[_Node] = []
        ops = []
        for i, (a, v) in enumerate(zip(invals, eqn.invars)):
            if i in index_pos:
                if not _all_const(a):
                    raise NotImplementedError(
                        f"SBML export: primitive {name!r} with state- or parameter-dependent indices"
                    )
                ops.append(jnp.asarray(_numeric(a, v.aval.dtype)))
            else:
                ids = np.arange(len(pool), len(pool) + a.size, dtype=np.int64).reshape(a.shape)
                pool.extend(a.flat)
                ops.append(jnp.asarray(ids))
        params = dict(eqn.params)
        if name == "gather" and params.get("fill_value") is not None:
            params["fill_value"] = -1
        out = eqn.primitive.bind(*ops, **params)
        outs = out if eqn.primitive.multiple_results else [out]
        res = []
        for o in outs:
            o = np.asarray(o)
            arr = np.empty(o.shape, dtype=object)
            for idx in np.ndindex(o.shape):
                k = int(o[idx])
                if not 0 <= k < len(pool):
                    raise NotImplementedError(f"SBML export: primitive {name!r} reads outside its operand")
                arr[idx] = pool[k]
            res.append(arr)
        return res

    def _cond(self, eqn, invals):
        index, ops = invals[0], invals[1:]
        branches = eqn.params["branches"]
        if index.shape != ():
            raise NotImplementedError("SBML export: primitive 'cond' with a batched predicate")
        idx = index[()]
        if idx.is_const:
            return self.run_closed(branches[int(idx.value)], ops)
        results = [self.run_closed(b, ops) for b in branches]
        out = []
        for k in range(len(results[0])):
            arrs = [r[k] for r in results]
            out.append(self._select_arrays(idx, arrs))
        return out

    def _select_arrays(self, idx: _Node, cases: list[np.ndarray]) -> np.ndarray:
        cases = np.broadcast_arrays(*cases)
        out = np.empty(cases[0].shape, dtype=object)
        for i in np.ndindex(out.shape):
            out[i] = self._select(idx, [c[i] for c in cases])
        return out

    def _select(self, pred: _Node, cases) -> _Node:
        g = self.g
        if pred.is_const:
            return cases[int(pred.value)]
        if pred.is_bool:
            return g.piecewise(cases[1], pred, cases[0])
        res = cases[-1]
        for k in range(len(cases) - 2, -1, -1):
            res = g.piecewise(cases[k], g.cmp("eq", pred, g.const(k)), res)
        return res

    def _reduce(self, eqn, x: np.ndarray) -> np.ndarray:
        g = self.g
        op = _REDUCE[eqn.primitive.name]
        axes = tuple(eqn.params["axes"])
        keep = [i for i in range(x.ndim) if i not in axes]
        xt = np.transpose(x, keep + list(axes))
        shape = xt.shape[: len(keep)]
        xt = xt.reshape(shape + (-1,))
        out = np.empty(shape, dtype=object)
        for idx in np.ndindex(shape):
            items = list(xt[idx])
            acc = items[0]
            for it in items[1:]:
                acc = self._binop(op, acc, it)
            out[idx] = acc
        return out

    def _binop(self, op: str, a: _Node, b: _Node) -> _Node:
        g = self.g
        if op in ("and", "or"):
            return g.logic(op, a, b)
        if op in ("max", "min") and (a.is_bool and b.is_bool):
            return g.logic("or" if op == "max" else "and", a, b)
        if op in ("max", "min"):
            return g.fn(op, a, b)
        return getattr(g, op)(a, b)

    def _dot_general(self, eqn, lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
        (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
        lc, rc, lb, rb = map(list, (lc, rc, lb, rb))
        lf = [i for i in range(lhs.ndim) if i not in lc + lb]
        rf = [i for i in range(rhs.ndim) if i not in rc + rb]
        L = np.transpose(lhs, lb + lf + lc)
        R = np.transpose(rhs, rb + rf + rc)
        bshape = L.shape[: len(lb)]
        lfs = L.shape[len(lb): len(lb) + len(lf)]
        rfs = R.shape[len(rb): len(rb) + len(rf)]
        L = L.reshape(bshape + lfs + (-1,))
        R = R.reshape(bshape + rfs + (-1,))
        out = np.empty(bshape + lfs + rfs, dtype=object)
        g = self.g
        for bi in np.ndindex(bshape):
            for li in np.ndindex(lfs):
                for ri in np.ndindex(rfs):
                    a, b = L[bi + li], R[bi + ri]
                    acc = None
                    for k in range(a.shape[-1]):
                        term = g.mul(a[k], b[k])
                        acc = term if acc is None else g.add(acc, term)
                    out[bi + li + ri] = acc if acc is not None else g.const(0.0)
        return out

    # ------------------------------------------------------------------
    def _elementwise(self, eqn, invals: list[np.ndarray]) -> np.ndarray:
        g = self.g
        name = eqn.primitive.name
        p = eqn.params
        in_kinds = [_dtype_kind(v.aval) for v in eqn.invars]
        out_kind = _dtype_kind(eqn.outvars[0].aval)

        def need_float(what: str):
            if out_kind in "iu" and not all(k in "b" for k in in_kinds):
                raise NotImplementedError(f"SBML export: integer-valued primitive {what!r} on symbolic values")

        if name == "add":
            return _elementwise(g.add, *invals)
        if name == "sub":
            return _elementwise(g.sub, *invals)
        if name == "mul":
            if out_kind == "b":
                return _elementwise(lambda a, b: g.logic("and", a, b), *invals)
            return _elementwise(g.mul, *invals)
        if name == "div":
            need_float("div")
            return _elementwise(g.div, *invals)
        if name == "rem":
            need_float("rem")
            return _elementwise(lambda a, b: g.fn("rem", a, b), *invals)
        if name == "neg":
            return _elementwise(g.neg, *invals)
        if name == "pow":
            return _elementwise(g.pow, *invals)
        if name == "integer_pow":
            y = int(p["y"])
            return _elementwise(lambda a: g.pow(a, g.const(float(y))), *invals)
        if name == "square":
            return _elementwise(lambda a: g.pow(a, g.const(2.0)), *invals)
        if name == "rsqrt":
            return _elementwise(lambda a: g.div(g.const(1.0), g.fn("sqrt", a)), *invals)
        if name == "cbrt":
            third = g.const(1.0 / 3.0)
            return _elementwise(
                lambda a: g.piecewise(g.neg(g.pow(g.neg(a), third)), g.cmp("lt", a, g.const(0.0)), g.pow(a, third)),
                *invals,
            )
        if name == "exp2":
            return _elementwise(lambda a: g.pow(g.const(2.0), a), *invals)
        if name == "log1p":
            return _elementwise(lambda a: g.fn("ln", g.add(g.const(1.0), a)), *invals)
        if name == "expm1":
            return _elementwise(lambda a: g.sub(g.fn("exp", a), g.const(1.0)), *invals)
        if name == "logistic":
            return _elementwise(lambda a: g.div(g.const(1.0), g.add(g.const(1.0), g.fn("exp", g.neg(a)))), *invals)
        if name in _UNARY_FN:
            need_float(name)
            return _elementwise(lambda a: g.fn(_UNARY_FN[name], a), *invals)
        if name == "sign":
            zero = g.const(0.0)
            return _elementwise(
                lambda a: g.piecewise(g.const(1.0), g.cmp("gt", a, zero),
                                      g.piecewise(g.const(-1.0), g.cmp("lt", a, zero), a)),
                *invals,
            )
        if name == "round":
            method = int(p.get("rounding_method", 0))
            if method != 0:
                raise NotImplementedError("SBML export: primitive 'round' with round-half-to-even")
            half = g.const(0.5)
            return _elementwise(
                lambda a: g.piecewise(g.fn("floor", g.add(a, half)), g.cmp("geq", a, g.const(0.0)),
                                      g.fn("ceiling", g.sub(a, half))),
                *invals,
            )
        if name in ("max", "min"):
            return _elementwise(lambda a, b: self._binop(name, a, b), *invals)
        if name == "clamp":
            lo, x, hi = invals
            return _elementwise(lambda l_, x_, h_: g.fn("min", g.fn("max", x_, l_), h_), lo, x, hi)
        if name == "select_n":
            pred, cases = invals[0], invals[1:]
            return _elementwise(lambda pr, *cs: self._select(pr, cs), pred, *cases)
        if name in _CMP:
            return _elementwise(lambda a, b: g.cmp(_CMP[name], a, b), *invals)
        if name in ("and", "or", "xor", "not"):
            if any(k != "b" for k in in_kinds):
                raise NotImplementedError(f"SBML export: bitwise primitive {name!r} on integers")
            return _elementwise(lambda *a: g.logic(name, *a), *invals)
        if name == "reduce_precision":
            return invals[0]
        if name == "convert_element_type":
            return _elementwise(lambda a: self._convert(a, in_kinds[0], out_kind), invals[0])
        raise NotImplementedError(f"SBML export: JAX primitive {name!r} has no SBML translation")  # pragma: no cover

    def _convert(self, a: _Node, src: str, dst: str) -> _Node:
        g = self.g
        if dst == "b":
            return g.num_to_bool(a)
        if src == "b":
            return g.bool_to_num(a)
        if dst in "iu" and src == "f":
            if a.is_const:
                return g.const(int(a.value))
            return g.piecewise(g.fn("floor", a), g.cmp("geq", a, g.const(0.0)), g.fn("ceiling", a))
        if dst == "f" and a.is_const and not a.is_bool:
            return g.const(float(a.value))
        return a


# ---------------------------------------------------------------------------
# formulas
# ---------------------------------------------------------------------------
_P_ADD, _P_MUL, _P_NEG, _P_POW, _P_ATOM = 10, 20, 30, 40, 100


def _fmt_const(v: Any) -> tuple[str, int]:
    if isinstance(v, bool):
        return ("true" if v else "false"), _P_ATOM
    if isinstance(v, int):
        return (str(v), _P_ATOM) if v >= 0 else (str(v), _P_NEG)
    v = float(v)
    if math.isnan(v):
        return "NaN", _P_ATOM
    if math.isinf(v):
        return ("INF", _P_ATOM) if v > 0 else ("-INF", _P_NEG)
    s = repr(v)
    return (s, _P_NEG) if s.startswith("-") else (s, _P_ATOM)


class _Writer:
    def __init__(self, names: dict[int, str]):
        self.names = names  # node idx -> SBML id for named nodes
        self._cache: dict[int, tuple[str, int]] = {}

    def ref(self, n: _Node) -> tuple[str, int]:
        if n.idx in self.names:
            return self.names[n.idx], _P_ATOM
        return self.expr(n)

    def formula(self, n: _Node) -> str:
        return self.ref(n)[0]

    def expr(self, n: _Node) -> tuple[str, int]:
        hit = self._cache.get(n.idx)
        if hit is not None:
            return hit
        res = self._expr(n)
        self._cache[n.idx] = res
        return res

    def _arg(self, n: _Node, min_prec: int, right: bool = False) -> str:
        s, p = self.ref(n)
        if p < min_prec or (right and p == _P_NEG):
            return f"({s})"
        return s

    def _expr(self, n: _Node) -> tuple[str, int]:
        op = n.op
        if op == "sym":
            return n.value, _P_ATOM
        if op == "const":
            return _fmt_const(n.value)
        a = n.args
        if op in ("add", "sub"):
            sym = "+" if op == "add" else "-"
            return f"{self._arg(a[0], _P_ADD)} {sym} {self._arg(a[1], _P_ADD + 1, right=True)}", _P_ADD
        if op in ("mul", "div"):
            sym = "*" if op == "mul" else "/"
            return f"{self._arg(a[0], _P_MUL)} {sym} {self._arg(a[1], _P_MUL + 1, right=True)}", _P_MUL
        if op == "neg":
            return f"-{self._arg(a[0], _P_POW)}", _P_NEG
        if op == "pow":
            return f"{self._arg(a[0], _P_ATOM)}^{self._arg(a[1], _P_ATOM)}", _P_POW
        if op == "fn":
            return f"{n.value}({', '.join(self.ref(x)[0] for x in a)})", _P_ATOM
        if op == "cmp":
            return f"{n.value}({self.ref(a[0])[0]}, {self.ref(a[1])[0]})", _P_ATOM
        if op == "logic":
            return f"{n.value}({', '.join(self.ref(x)[0] for x in a)})", _P_ATOM
        if op == "piecewise":
            # flatten nested piecewise(otherwise) chains into one call
            parts = []
            cur = n
            while cur.op == "piecewise" and (cur is n or cur.idx not in self.names):
                parts += [self.ref(cur.args[0])[0], self.ref(cur.args[1])[0]]
                cur = cur.args[2]
            parts.append(self.ref(cur)[0])
            return f"piecewise({', '.join(parts)})", _P_ATOM
        raise AssertionError(op)  # pragma: no cover


# ---------------------------------------------------------------------------
# identifiers
# ---------------------------------------------------------------------------
_SID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED = {
    "time", "pi", "exponentiale", "avogadro", "true", "false", "inf", "infinity", "nan", "notanumber",
    "abs", "exp", "ln", "log", "log10", "sqrt", "root", "pow", "power", "floor", "ceiling", "ceil", "factorial",
    "sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh", "sech", "csch", "coth", "arcsin", "arccos",
    "arctan", "arcsec", "arccsc", "arccot", "arcsinh", "arccosh", "arctanh", "arcsech", "arccsch", "arccoth",
    "asin", "acos", "atan", "asinh", "acosh", "atanh", "max", "min", "rem", "quotient", "implies", "piecewise",
    "lt", "leq", "gt", "geq", "eq", "neq", "and", "or", "xor", "not", "delay", "rateof", "plus", "minus",
    "times", "divide", "sqr", "exponent", "e", "avogadro",
}


def _sid(name: str, prefix: str, taken: set[str]) -> str:
    s = re.sub(r"[^A-Za-z0-9_]", "_", str(name))
    if not s or not (s[0].isalpha() or s[0] == "_"):
        s = f"{prefix}_{s}"
    if s.lower() in _RESERVED or re.match(r"^_v\d+$", s):
        s = f"{prefix}_{s}"
    if s in taken:
        s = f"{prefix}_{s}"
    base, k = s, 2
    while s in taken:
        s = f"{base}_{k}"
        k += 1
    taken.add(s)
    return s


# ---------------------------------------------------------------------------
# tracing
# ---------------------------------------------------------------------------
def _trace(fn, t0: float, y0: np.ndarray, p: dict, d: dict, p_static: bool, d_static: bool):
    pkeys, dkeys = list(p), list(d)

    def flat(t, y, pv, dv):
        pp = dict(p) if p_static else dict(zip(pkeys, pv))
        dd = dict(d) if d_static else dict(zip(dkeys, dv))
        out = fn(t, y, pp, dd)
        if isinstance(out, Mapping):
            return {k: jnp.asarray(v) for k, v in out.items()}
        return jnp.asarray(out)

    pv = [] if p_static else [np.float64(p[k]) for k in pkeys]
    dv = [] if d_static else [np.float64(d[k]) for k in dkeys]
    closed, out_shape = jax.make_jaxpr(flat, return_shape=True)(np.float64(t0), np.asarray(y0, np.float64), pv, dv)
    return closed, out_shape


def _trace_with_fallback(fn, what: str, t0, y0, p, d):
    """Trace with symbolic parameters/drivers; bake drivers, then parameters, if Python control flow needs values."""
    errors = (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError,
              jax.errors.TracerIntegerConversionError)
    last = None
    for p_static, d_static in ((False, False), (False, True), (True, True)):
        try:
            closed, shape = _trace(fn, t0, y0, p, d, p_static, d_static)
            return closed, shape, p_static, d_static
        except errors as e:  # Python branching on a value
            last = e
    raise NotImplementedError(f"SBML export: {what} cannot be traced symbolically: {last}") from last


def _scalar(n: _Node) -> np.ndarray:
    a = np.empty((), dtype=object)
    a[()] = n
    return a


def _interpret(interp: _Interpreter, closed, t_node, y_nodes, p_nodes: dict, d_nodes: dict,
               p_static: bool, d_static: bool) -> list[np.ndarray]:
    scalars = [t_node] + ([] if p_static else list(p_nodes.values())) + ([] if d_static else list(d_nodes.values()))
    args = [_scalar(n) for n in scalars]
    args.insert(1, y_nodes)
    return interp.run(closed.jaxpr, list(closed.consts), args)


_MAX_INLINE_DEPTH = 24

# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------
def _resolve_params(model: Model, params) -> ParameterSet:
    base = model.default_parameters()
    if params is None:
        return base
    if isinstance(params, ParameterSet):
        return params
    return base.with_(**dict(params))


def export_sbml(
    model: Model | str,
    params: ParameterSet | Mapping[str, float] | None = None,
    drivers: Mapping[str, float] | None = None,
    path: str | os.PathLike | None = None,
    include_outputs: bool = True,
    t_start: float | None = None,
) -> str:
    """Export ``model`` as an SBML Level 3 Version 2 string, generated from its ``rhs``.

    params: a ParameterSet, or a mapping of overrides on the model's default set.
    drivers: overrides of the model's default drivers (exported as constant parameters).
    path: if given, the string is also written there atomically.
    include_outputs: also export ``model.outputs()`` as assignment rules (skipped with a
    warning if they use a primitive with no SBML translation).
    t_start: model time (days) at which the SBML clock starts; the formulas see
    ``time + t_start``.  Default: ``model.start_time`` (where ``initial_state`` applies: 0
    for classic models; Osteosim: the young-adult peak, age 25 in days).
    """
    import libsbml

    if isinstance(model, str):
        model = get_model(model)
    if not model.sbml_exportable:
        raise NotImplementedError(f"SBML export: model {model.name!r} is marked sbml_exportable = False")
    pset = _resolve_params(model, params)
    p = {k: float(v) for k, v in pset.values_dict().items()}
    d = dict(model.default_drivers(), **dict(drivers or {}))
    d = model.complete_drivers(p, d)
    y0 = np.asarray(model.initial_state(pset, d), dtype=np.float64).reshape(-1)
    # Array-valued drivers (dose tables) are fixed into the formulas as constants: the export
    # is of the model without therapies (empty tables fold away) or with the given schedule.
    fixed = {k: np.asarray(v, dtype=np.float64) for k, v in d.items() if np.ndim(v) > 0}
    d = {k: float(v) for k, v in d.items() if np.ndim(v) == 0}
    rhs_fn, out_fn = model.rhs, model.outputs
    if fixed:
        def rhs_fn(t, y, p_, d_):
            return model.rhs(t, y, p_, {**d_, **fixed})

        def out_fn(t, y, p_, d_):
            return model.outputs(t, y, p_, {**d_, **fixed})
    states = list(model.state_names)
    if t_start is None:
        t_start = model.start_time(d)
    t_start = float(t_start)

    if y0.size != len(states):
        raise ValueError(f"initial_state: expected {len(states)} values, got {y0.size}")

    # ids -------------------------------------------------------------------
    taken: set[str] = set()
    state_ids = {s: _sid(s, "s", taken) for s in states}
    param_ids = {k: _sid(k, "p", taken) for k in p}
    driver_ids = {k: _sid(k, "d", taken) for k in d}
    t_start_id = _sid("t_start", "c", taken) if t_start != 0.0 else None

    g = _Graph()
    interp = _Interpreter(g)
    t_node = g.sym("time") if t_start_id is None else g.add(g.sym("time"), g.sym(t_start_id))
    y_nodes = np.empty((len(states),), dtype=object)
    for i, s in enumerate(states):
        y_nodes[i] = g.sym(state_ids[s])
    p_nodes = {k: g.sym(param_ids[k]) for k in p}
    d_nodes = {k: g.sym(driver_ids[k]) for k in d}

    closed, shape, p_static, d_static = _trace_with_fallback(rhs_fn, f"{model.name}.rhs", 0.0, y0, p, d)
    (out,) = _interpret(interp, closed, t_node, y_nodes, p_nodes, d_nodes, p_static, d_static)
    out = out.reshape(-1)
    if out.size != len(states):
        raise ValueError(f"SBML export: {model.name}.rhs returned {out.size} values for {len(states)} states")
    baked = []
    if p_static:
        baked.append("parameters")
    if d_static:
        baked.append("drivers")
    rates = [g.bool_to_num(n) for n in out]

    # outputs --------------------------------------------------------------
    output_nodes: list[tuple[str, str, _Node]] = []  # (sbml id, name, node)
    output_note = ""
    if include_outputs:
        try:
            oc, oshape, ops_, ods_ = _trace_with_fallback(out_fn, f"{model.name}.outputs", 0.0, y0, p, d)
            keys = sorted(oshape) if isinstance(oshape, Mapping) else []
            if keys:
                vals = _interpret(interp, oc, t_node, y_nodes, p_nodes, d_nodes, ops_, ods_)
                for k, arr in zip(keys, vals):  # make_jaxpr flattens dicts in sorted-key order
                    arr = np.asarray(arr, dtype=object)
                    if arr.size == 1:
                        output_nodes.append((_sid(k, "o", taken), k, g.bool_to_num(arr.reshape(-1)[0])))
                    else:
                        for idx in np.ndindex(arr.shape):
                            nm = f"{k}_{'_'.join(map(str, idx))}"
                            output_nodes.append((_sid(nm, "o", taken), nm, g.bool_to_num(arr[idx])))
        except NotImplementedError as e:
            output_nodes = []
            output_note = f"Outputs were not exported: {e}"
            warnings.warn(output_note, stacklevel=2)

    # naming of shared intermediates -----------------------------------------
    roots = rates + [n for _, _, n in output_nodes]
    refcount: dict[int, int] = {}
    order: list[_Node] = []
    seen: set[int] = set()
    for r in roots:
        refcount[r.idx] = refcount.get(r.idx, 0) + 1
        stack = [(r, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if node.idx in seen:
                continue
            seen.add(node.idx)
            stack.append((node, True))
            for a in node.args:
                refcount[a.idx] = refcount.get(a.idx, 0) + 1
                if a.idx not in seen:
                    stack.append((a, False))
    names: dict[int, str] = {}
    out_ids = {n.idx: sid for sid, _, n in output_nodes if n.op not in ("sym", "const")}
    inter: list[_Node] = []
    counter = 0
    depth: dict[int, int] = {}  # nesting depth of the inlined formula below a node
    for node in order:  # post-order: dependencies first
        if node.op in ("sym", "const"):
            depth[node.idx] = 0
            continue
        depth[node.idx] = 1 + max((depth[a.idx] for a in node.args if a.idx not in names), default=0)
        if node.is_bool:
            continue
        if node.idx in out_ids:
            names[node.idx] = out_ids[node.idx]  # reuse the output's own id
            continue
        # shared sub-expressions get a name; so do deep chains (readable formulas, bounded recursion)
        if refcount.get(node.idx, 0) >= 2 or depth[node.idx] > _MAX_INLINE_DEPTH:
            counter += 1
            vid = f"_v{counter}"
            while vid in taken:
                counter += 1
                vid = f"_v{counter}"
            taken.add(vid)
            names[node.idx] = vid
            inter.append(node)

    # SBML document ----------------------------------------------------------
    doc = libsbml.SBMLDocument(3, 2)
    m = doc.createModel()
    m.setId(_sid(model.name, "m", set()))
    m.setName(model.name)
    if model.time_unit == "day":
        ud = m.createUnitDefinition()
        ud.setId("day")
        u = ud.createUnit()
        u.setKind(libsbml.UNIT_KIND_SECOND)
        u.setExponent(1)
        u.setScale(0)
        u.setMultiplier(86400.0)
        m.setTimeUnits("day")
    if t_start:
        output_note = (f"SBML time 0 is model time t_start = {t_start!r} {model.time_unit}; "
                       f"the formulas use time + t_start. " + output_note).strip()
    _check(m.setNotes(_model_notes(model, pset, d, states, baked, output_note)), "model notes")
    _check(m.setAnnotation(
        f'<annotation><osteosim:model xmlns:osteosim="{OSTEOSIM_SBML_NS}" name={quoteattr(model.name)} '
        f"parameter_set={quoteattr(pset.name)} time_unit={quoteattr(model.time_unit)} "
        f"state_names={quoteattr(' '.join(states))} t_start={quoteattr(repr(t_start))}/></annotation>"),
        "model annotation")

    def new_param(pid: str, name: str, value: float | None, constant: bool):
        par = m.createParameter()
        _check(par.setId(pid), pid)
        par.setName(name)
        par.setConstant(constant)
        if value is not None:
            par.setValue(float(value))
        return par

    scales = np.broadcast_to(np.asarray(model.state_scale(), dtype=float).reshape(-1), (len(states),))
    for i, s in enumerate(states):
        par = new_param(state_ids[s], s, y0[i], False)
        par.setAnnotation(_ann("state", kind="state", name=s, index=str(i), scale=repr(float(scales[i]))))
    for k, v in p.items():
        prm = pset[k]
        par = new_param(param_ids[k], k, v, True)
        par.setAnnotation(_ann("parameter", kind="parameter", name=k, unit=prm.unit, source=prm.source,
                               description=prm.description, cite=" ".join(prm.cite)))
    for k, v in d.items():
        par = new_param(driver_ids[k], k, v, True)
        par.setAnnotation(_ann("parameter", kind="driver", name=k))
    if t_start_id is not None:
        par = new_param(t_start_id, "t_start", t_start, True)
        par.setAnnotation(_ann("parameter", kind="time_offset", name="t_start", unit=model.time_unit,
                               description="model time at SBML time 0 (the formulas use time + t_start)"))
    for node in inter:
        new_param(names[node.idx], names[node.idx], None, False)
    for sid, nm, node in output_nodes:
        par = new_param(sid, nm, None, False)
        par.setAnnotation(_ann("output", kind="output", name=nm))

    settings = libsbml.L3ParserSettings()
    settings.setModel(m)
    settings.setParseLog(libsbml.L3P_PARSE_LOG_AS_LN)
    writer = _Writer(names)

    def math_of(formula: str):
        ast = libsbml.parseL3FormulaWithSettings(formula, settings)
        if ast is None:  # pragma: no cover - would be a bug in the writer
            raise RuntimeError(f"SBML export: could not parse generated formula {formula!r}: "
                               f"{libsbml.getLastParseL3Error()}")
        return ast

    for node in inter:
        rule = m.createAssignmentRule()
        rule.setVariable(names[node.idx])
        _check(rule.setMath(math_of(writer.expr(node)[0])), names[node.idx])
    for sid, _, node in output_nodes:
        rule = m.createAssignmentRule()
        rule.setVariable(sid)
        f = writer.expr(node)[0] if names.get(node.idx) == sid else writer.formula(node)
        _check(rule.setMath(math_of(f)), sid)
    for s, node in zip(states, rates):
        rule = m.createRateRule()
        rule.setVariable(state_ids[s])
        _check(rule.setMath(math_of(writer.formula(node))), s)

    text = libsbml.writeSBMLToString(doc)
    if path is not None:
        from ..io_utils import atomic_write_text

        atomic_write_text(path, text)
    return text


def _check(rc: int, what: str) -> None:
    import libsbml

    if rc != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise RuntimeError(f"SBML export: libsbml refused {what}: {libsbml.OperationReturnValue_toString(rc)}")


def _ann(tag: str, **attrs: str) -> str:
    body = " ".join(f"{k}={quoteattr(str(v))}" for k, v in attrs.items() if v not in (None, ""))
    return f'<annotation><osteosim:{tag} xmlns:osteosim="{OSTEOSIM_SBML_NS}" {body}/></annotation>'


def _model_notes(model: Model, pset: ParameterSet, d: dict, states: list[str], baked: list[str],
                 extra: str) -> str:
    from .. import __version__

    keys = list(pset.citation_keys)
    for prm in pset.values():
        keys.extend(prm.cite)
    keys.append("osteosim")
    registry = {c.key: c for c in citations.all_citations()}
    keys = [k for k in dict.fromkeys(keys) if k in registry]
    paras = [
        f"Model {model.name}: {model.description}" if model.description else f"Model {model.name}",
        f"Parameter set: {pset.name}. {pset.description}".strip(),
        f"States: {', '.join(states)}. Time unit: {model.time_unit}.",
        f"Drivers (constant inputs): {', '.join(f'{k} = {v!r}' for k, v in d.items()) or 'none'}.",
        f"Generated by osteosim {__version__} from {type(model).__name__}.rhs traced with jax.make_jaxpr; "
        "the rate rules are the model code's own equations.",
    ]
    if baked:
        paras.append(f"Note: the model branches in Python on its {' and '.join(baked)}, so their values are "
                     "baked into the formulas; changing them in this file has no effect.")
    if extra:
        paras.append(extra)
    html = "".join(f"<p>{escape(s)}</p>" for s in paras)
    if keys:
        html += "<p>References:</p><ul>" + "".join(
            f"<li>[{escape(k)}] {escape(registry[k].text)}</li>" for k in keys) + "</ul>"
    return f'<notes><body xmlns="{_XHTML}">{html}</body></notes>'


def export_sbml_file(model_name: str, out_path: str | os.PathLike) -> Path:
    """Export the zoo model ``model_name`` (default parameters and drivers) to ``out_path``."""
    model = get_model(model_name)
    export_sbml(model, path=out_path)
    return Path(out_path)


# ---------------------------------------------------------------------------
# checking and simulating
# ---------------------------------------------------------------------------
def validate_sbml(sbml: str, units: bool = False) -> list[str]:
    """libsbml consistency check; returns the messages of severity error or fatal (empty = valid)."""
    import libsbml

    doc = libsbml.readSBMLFromString(sbml)
    if not units:
        doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, False)
    doc.checkConsistency()
    msgs = []
    for i in range(doc.getNumErrors()):
        e = doc.getError(i)
        if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            msgs.append(f"line {e.getLine()}: {e.getMessage().strip()}")
    return msgs


def sbml_time_offset(sbml: str) -> float:
    """Model time at SBML time 0 (``t_start`` of :func:`export_sbml`; 0 for most models)."""
    m = re.search(r'<osteosim:model [^>]*t_start="([^"]+)"', sbml)
    return float(m.group(1)) if m else 0.0


def sbml_state_ids(sbml: str) -> list[str]:
    """The ids of the rate-rule variables, in the model's state order."""
    import libsbml

    doc = libsbml.readSBMLFromString(sbml)
    m = doc.getModel()
    return [m.getRule(i).getVariable() for i in range(m.getNumRules()) if m.getRule(i).isRate()]


def simulate_sbml_roadrunner(
    sbml: str,
    ts,
    rtol: float = 1e-10,
    atol: float | np.ndarray = 1e-14,
    max_steps: int = 1_000_000,
    y0=None,
) -> np.ndarray:
    """Integrate an exported model with libroadrunner (CVODE); returns (T, n_states).

    ts: output times in SBML time (the first is the start time).  atol: a scalar or one
    value per state (e.g. ``1e-12 * model.state_scale()``).  y0: optional initial state
    (state order) replacing the file's initial values.
    """
    import roadrunner

    ids = sbml_state_ids(sbml)
    rr = roadrunner.RoadRunner(sbml)
    if y0 is not None:
        y0 = np.asarray(y0, dtype=float).reshape(-1)
        if y0.size != len(ids):
            raise ValueError(f"y0: expected {len(ids)} values, got {y0.size}")
        # set the current state, not init(): each init() change regenerates the compiled model
        # (~7 s for the Osteosim file, 34 states); no reset follows, so the tolerances below stay
        for sid, v in zip(ids, y0):
            rr.model.setValue(sid, float(v))
    rr.setIntegrator("cvode")
    integ = rr.getIntegrator()
    integ.setValue("relative_tolerance", float(rtol))
    atol_arr = np.broadcast_to(np.asarray(atol, dtype=float), (len(ids),))
    integ.setValue("absolute_tolerance", float(np.min(atol_arr)))
    if np.ndim(atol) > 0 and hasattr(integ, "setIndividualTolerance"):
        for sid, a in zip(ids, atol_arr):
            integ.setIndividualTolerance(sid, float(a))
    integ.setValue("maximum_num_steps", int(max_steps))
    integ.setValue("variable_step_size", False)
    rr.timeCourseSelections = ["time"] + ids
    ts = np.asarray(ts, dtype=float)
    res = rr.simulate(times=list(ts))
    return np.asarray(res)[:, 1:].copy()
