"""SBML infix formulas from symbolic nodes, and SBML identifiers from model names."""
from __future__ import annotations

import math
import re
from typing import Any


from .nodes import _Node


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
