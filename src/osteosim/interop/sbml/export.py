"""SBML export: trace a model's RHS, interpret it symbolically, write the SBML Level 3 Version 2 document."""
from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import jax
import jax.numpy as jnp
import numpy as np

from ... import _jax  # noqa: F401  (float64)
from ... import citations
from ...models.base import Model, get_model
from ...parameters.base import ParameterSet
from .formulas import _sid, _Writer
from .interpreter import _Interpreter
from .nodes import _Graph, _Node

OSTEOSIM_SBML_NS = "https://osteosim.org/ns/sbml/1"
_XHTML = "http://www.w3.org/1999/xhtml"


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
        from ...io_utils import atomic_write_text

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
    from ... import __version__

    cites = citations.resolve((*pset.cited_keys(), "osteosim"))
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
    if cites:
        html += "<p>References:</p><ul>" + "".join(
            f"<li>[{escape(c.key)}] {escape(c.reference)}</li>" for c in cites) + "</ul>"
    return f'<notes><body xmlns="{_XHTML}">{html}</body></notes>'


def export_sbml_file(model_name: str, out_path: str | os.PathLike) -> Path:
    """Export the zoo model ``model_name`` (default parameters and drivers) to ``out_path``."""
    model = get_model(model_name)
    export_sbml(model, path=out_path)
    return Path(out_path)
