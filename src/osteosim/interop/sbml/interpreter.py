"""A jaxpr interpreter over object arrays of symbolic nodes (the primitives the exporter translates)."""
from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from ... import _jax  # noqa: F401  (float64)
from .nodes import _Graph, _Node


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
