"""Symbolic expression nodes: the graph the jaxpr interpreter builds and the formula writer reads."""
from __future__ import annotations

import math
from typing import Any

import numpy as np


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
