"""SBML export: generated from each model's own RHS, valid SBML, and libroadrunner agrees with osteosim."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("libsbml")
roadrunner = pytest.importorskip("roadrunner")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import libsbml  # noqa: E402

from osteosim.interop.sbml import (  # noqa: E402
    SUPPORTED_PRIMITIVES,
    export_sbml,
    export_sbml_file,
    sbml_state_ids,
    sbml_time_offset,
    simulate_sbml_roadrunner,
    validate_sbml,
)
from osteosim.models import MODEL_REGISTRY  # noqa: E402
from osteosim.models.base import Model  # noqa: E402
from osteosim.parameters.base import P, ParameterSet  # noqa: E402
from osteosim.simulation import Simulation  # noqa: E402
from osteosim.solve import SolverOptions, solve_batch  # noqa: E402
from osteosim.units import DAYS_PER_YEAR  # noqa: E402

TIGHT = SolverOptions(rtol=1e-10, atol=1e-12)
MAX_REL_ERR = 1e-6
SPAN_DAYS = 1000.0


def _rr_rates(rr, sbml: str, t: float, y: np.ndarray) -> np.ndarray:
    """The SBML rate rules evaluated by libroadrunner (``rr``, loaded from ``sbml``) at model time t
    and state y, in state order.  One RoadRunner serves every point: compiling the Osteosim file
    is the slow part of this module."""
    ids = sbml_state_ids(sbml)
    for sid, v in zip(ids, y):
        rr.model.setValue(sid, float(v))
    rr.model.setTime(float(t) - sbml_time_offset(sbml))
    return np.array([rr[f"{sid}'"] for sid in ids])


def _drivers(m: Model, p: dict) -> dict:
    return m.complete_drivers(p, m.default_drivers())


def _model_rates(m: Model, t: float, y: np.ndarray) -> np.ndarray:
    p = m.default_parameters().values_dict()
    d = _drivers(m, p)
    return np.asarray(m.rhs(jnp.float64(t), jnp.asarray(y, dtype=jnp.float64),
                            {k: jnp.float64(v) for k, v in p.items()},
                            {k: jnp.float64(v) for k, v in d.items()}))


def _exportable():
    out = []
    for name in sorted(MODEL_REGISTRY):
        cls = MODEL_REGISTRY[name]
        marks = []
        if not cls.sbml_exportable:
            marks.append(pytest.mark.skip(reason=f"{name} sets sbml_exportable = False"))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


def _start_state(m: Model, t0: float) -> np.ndarray:
    """The published initial state; if that is a steady state, its first state raised 20 % so it moves."""
    y0 = np.array(m.initial_state(m.default_parameters(), _drivers(m, m.default_parameters().values_dict())),
                  dtype=float)
    if np.max(np.abs(_model_rates(m, t0, y0)) / np.asarray(m.state_scale(), dtype=float)) < 1e-9:
        y0[0] *= 1.2
    return y0


def _reference_trajectory(m: Model, years: float, y0: np.ndarray):
    """osteosim's own trajectory with tight tolerances: (ts, ys)."""
    if not m.uses_patient:
        res = Simulation(model=m, years=years, solver_options=TIGHT,
                         initial_state=dict(zip(m.state_names, y0))).solve()
        df = res.timeseries
        return df["t_days"].to_numpy(), df[list(m.state_names)].to_numpy()
    # patient-driven models: the exported file holds the default (neutral) drivers and starts
    # where initial_state applies (t_start), so integrate exactly that
    ps = m.default_parameters()
    d = _drivers(m, ps.values_dict())
    t0 = sbml_time_offset(export_sbml(m, include_outputs=False))
    ts = t0 + np.linspace(0.0, years * DAYS_PER_YEAR, 201)
    sol = solve_batch(m, ps.values_dict(), y0, ts, d, options=TIGHT)
    assert sol.ok[0]
    return ts, sol.ys[0]


# ---------------------------------------------------------------------------
# every exportable zoo model
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", _exportable())
def test_zoo_model_exports_valid_sbml_and_matches_roadrunner(name):
    m = MODEL_REGISTRY[name]()
    sbml = export_sbml(m)
    assert validate_sbml(sbml) == []
    doc = libsbml.readSBMLFromString(sbml)
    assert (doc.getLevel(), doc.getVersion()) == (3, 2)
    assert len(sbml_state_ids(sbml)) == m.n_states

    # the rate rules are the RHS, point by point (away from the initial state too)
    y0 = np.asarray(m.initial_state(m.default_parameters(), m.default_drivers()), dtype=float)
    t0 = sbml_time_offset(sbml)
    rng = np.random.default_rng(0)
    rr = roadrunner.RoadRunner(sbml)
    for t in (t0, t0 + 37.5, t0 + 400.0):
        y = y0 * (1.0 + 0.2 * rng.uniform(-1, 1, size=y0.shape)) + 1e-3 * np.asarray(m.state_scale())
        want = _model_rates(m, t, y)
        got = _rr_rates(rr, sbml, t, y)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12 * np.max(np.abs(want) + 1e-300))

    # trajectories: libroadrunner (CVODE) on the file vs osteosim (diffrax) on the code
    y_start = _start_state(m, t0)
    ts, ys = _reference_trajectory(m, SPAN_DAYS / DAYS_PER_YEAR, y_start)
    rr = simulate_sbml_roadrunner(sbml, ts - t0, rtol=1e-10, atol=1e-12 * np.asarray(m.state_scale(), dtype=float),
                                  y0=y_start)
    assert rr.shape == ys.shape
    scale = np.max(np.abs(ys), axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    rel = np.max(np.abs(rr - ys), axis=0) / scale
    print(f"{name}: max relative error per state {dict(zip(m.state_names, rel.round(14)))}")
    assert np.all(rel <= MAX_REL_ERR), dict(zip(m.state_names, rel))


def test_komarova_notes_annotations_and_units():
    m = MODEL_REGISTRY["Komarova2003"]()
    sbml = export_sbml(m)
    doc = libsbml.readSBMLFromString(sbml)
    model = doc.getModel()
    notes = model.getNotesString()
    assert "Komarova SV" in notes and "BIOMD0000000148" in notes and "osteosim" in notes
    k1 = model.getParameter("k1")
    assert k1.getConstant() and k1.getValue() == pytest.approx(0.24)
    ann = k1.getAnnotationString()
    assert "%/(cell*day)" in ann and "BIOMD0000000148" in ann
    c = model.getParameter("C")
    assert not c.getConstant()
    assert c.getValue() == pytest.approx(m.initial_state(m.default_parameters())[0], rel=1e-15)
    # jnp.maximum(0, x) stays a max(), not a generic piecewise
    z_rule = model.getRateRule("z")
    assert "max(0" in libsbml.formulaToL3String(z_rule.getMath())
    assert model.getTimeUnits() == "day"
    # outputs are assignment rules named after the output
    assert model.getAssignmentRule("bone_mass_percent") is not None


def test_parameter_and_driver_overrides_flow_into_the_file():
    m = MODEL_REGISTRY["Komarova2003"]()
    sbml = export_sbml(m, params={"k1": 0.5}, drivers={"perturbation_C": 3.0})
    model = libsbml.readSBMLFromString(sbml).getModel()
    assert model.getParameter("k1").getValue() == 0.5
    assert model.getParameter("perturbation_C").getValue() == 3.0
    p = m.default_parameters().with_(k1=0.5)
    assert model.getParameter("C").getValue() == pytest.approx(m.initial_state(p, {"perturbation_C": 3.0})[0])


def test_export_writes_atomically_and_file_helper(tmp_path):
    out = tmp_path / "sub" / "komarova.xml"
    text = export_sbml(MODEL_REGISTRY["Komarova2003"](), path=out)
    assert out.read_text() == text
    path = export_sbml_file("komarova2003", tmp_path / "k.xml")
    assert path.exists() and validate_sbml(path.read_text()) == []
    assert not [p for p in tmp_path.rglob("*.tmp")]
    with pytest.raises(ValueError, match="allowed"):
        export_sbml_file("NoSuchModel", tmp_path / "x.xml")
    assert not (tmp_path / "x.xml").exists()


# ---------------------------------------------------------------------------
# a toy model that exercises the primitive translations
# ---------------------------------------------------------------------------
_TOY_PARAMS = ParameterSet.from_list(
    "toy",
    [
        P("k", 0.3, "1/day", "test"),
        P("t_on", 5.0, "day", "test"),
        P("pi", 2.0, "1", "test", "a name that clashes with an SBML constant"),
        P("exp", 0.7, "1", "test", "a name that clashes with an SBML function"),
    ],
)


@jax.jit
def _jitted_helper(x, k):
    return x * k / (1.0 + x)


class _Toy(Model):
    name = "Toy"
    state_names = ("a", "b", "c", "time")  # a state called "time" must not become the csymbol

    def default_parameters(self):
        return _TOY_PARAMS

    def default_drivers(self):
        return {"load": 1.5, "k": 0.1}  # driver named like a parameter

    def initial_state(self, params, drivers=None):
        return np.array([0.5, 1.0, 2.0, 0.2])

    def state_scale(self):
        return np.ones(4)

    def rhs(self, t, y, p, d):
        a, b, c, s = y[0], y[1], y[2], y[3]
        v = y[:3]
        on = jnp.where(t > p["t_on"], 1.0, 0.0)
        gate = ((a > 0.2) & (b < 5.0)).astype(jnp.float64)
        da = (-p["k"] * a + 0.1 * jax.nn.sigmoid(b - 1.0) + 0.05 * jax.nn.relu(c - 1.9)
              + 0.01 * jnp.tanh(s) - 0.02 * jnp.clip(a, 0.0, 0.4) * on + 0.01 * gate)
        db = (0.2 * _jitted_helper(a, p["pi"]) - 0.1 * b ** 2 + 0.05 * jnp.sqrt(jnp.abs(c))
              + 0.01 * jnp.sum(v * v) - 0.01 * jnp.dot(jnp.array([1.0, 2.0, 3.0]), v) * d["k"])
        dc = (0.1 * jnp.exp(-a) - 0.05 * jnp.log(c) - 0.02 * jnp.log1p(b) + 0.01 * jnp.expm1(-s)
              + 0.03 * jnp.maximum(a, b) - 0.03 * jnp.minimum(a, b) + 0.01 * jnp.sign(a - 0.5)
              - 0.02 * c ** p["exp"] + 0.001 * d["load"] * jnp.square(s))
        idx = jnp.array(1)
        w = v.at[0].set(2.0 * s)
        ds = (0.01 * y[idx] - 0.05 * s + 0.01 * w[0] + 0.01 * jax.lax.rsqrt(1.0 + c)
              + jax.lax.cond(t < 20.0, lambda x: 0.02 * x, lambda x: -0.01 * x, a)
              + 0.001 * jnp.mean(jnp.stack([a, b, c])))
        return jnp.concatenate([jnp.stack([da, db]), jnp.array([dc]), ds[None]])

    def outputs(self, t, y, p, d):
        return {"sum_abc": y[0] + y[1] + y[2], "pair": jnp.stack([y[0], 2.0 * y[1]])}


def test_toy_model_primitives_round_trip():
    m = _Toy()
    sbml = export_sbml(m)
    assert validate_sbml(sbml) == []
    model = libsbml.readSBMLFromString(sbml).getModel()
    ids = sbml_state_ids(sbml)
    assert "time" not in ids and len(ids) == 4
    assert model.getParameter("pi") is None and model.getParameter("p_pi").getValue() == 2.0
    assert model.getParameter("d_k").getValue() == 0.1 and model.getParameter("k").getValue() == 0.3
    rng = np.random.default_rng(1)
    for t in (0.0, 4.0, 6.0, 25.0):
        y = np.array([0.5, 1.0, 2.0, 0.2]) * rng.uniform(0.3, 1.7, size=4)
        np.testing.assert_allclose(_rr_rates(roadrunner.RoadRunner(sbml), sbml, t, y), _model_rates(m, t, y), rtol=1e-12, atol=1e-15)
    # outputs as assignment rules
    rr = roadrunner.RoadRunner(sbml)
    assert rr["sum_abc"] == pytest.approx(3.5)
    assert rr["pair_1"] == pytest.approx(2.0)
    # and the trajectories (the toy switches at t = 5 and t = 20)
    ts = np.linspace(0.0, 40.0, 81)
    sol = solve_batch(m, m.default_parameters().values_dict(), m.initial_state(None), ts,
                      options=SolverOptions(solver="Dopri8", rtol=1e-11, atol=1e-13))
    got = simulate_sbml_roadrunner(sbml, ts, rtol=1e-11, atol=1e-14)
    ref = sol.ys[0]
    rel = np.max(np.abs(got - ref), axis=0) / np.max(np.abs(ref), axis=0)
    assert np.all(rel <= MAX_REL_ERR), rel


class _Unsupported(_Toy):
    def rhs(self, t, y, p, d):
        return jnp.stack([jax.lax.erf(y[0]), y[1], y[2], y[3]])


def test_unsupported_primitive_is_named():
    with pytest.raises(NotImplementedError, match="'erf'"):
        export_sbml(_Unsupported())


class _NotExportable(_Toy):
    sbml_exportable = False


def test_opt_out_flag():
    with pytest.raises(NotImplementedError, match="sbml_exportable"):
        export_sbml(_NotExportable())


def test_supported_primitives_listed():
    for prim in ("add", "mul", "pow", "integer_pow", "exp", "log", "max", "select_n", "jit", "pjit",
                 "custom_jvp_call", "logistic", "stack", "concatenate", "gather", "cond", "dot_general"):
        assert prim in SUPPORTED_PRIMITIVES


class _Branchy(_Toy):
    """Python branching on a driver value: drivers get baked into the formulas (with a note)."""

    def rhs(self, t, y, p, d):
        rate = -p["k"] if d["load"] > 1.0 else p["k"]
        return jnp.stack([rate * y[0], -y[1], -y[2], -y[3]])


def test_python_branching_on_drivers_bakes_them_with_a_note():
    sbml = export_sbml(_Branchy())
    assert validate_sbml(sbml) == []
    assert "baked" in libsbml.readSBMLFromString(sbml).getModel().getNotesString()
    y = np.array([0.5, 1.0, 2.0, 0.2])
    np.testing.assert_allclose(_rr_rates(roadrunner.RoadRunner(sbml), sbml, 0.0, y), [-0.15, -1.0, -2.0, -0.2], rtol=1e-14)


class _Wide(Model):
    """Many states coupled through a long sum: exercises naming of deep chains."""

    name = "Wide"
    state_names = tuple(f"x{i}" for i in range(120))

    def default_parameters(self):
        return _TOY_PARAMS

    def initial_state(self, params, drivers=None):
        return np.linspace(0.1, 1.2, 120)

    def rhs(self, t, y, p, d):
        total = jnp.sum(y)
        return -p["k"] * y + 1e-3 * total * jnp.cos(jnp.arange(120.0)) + 1e-3 * jnp.cumprod(jnp.ones(3))[0]


def test_wide_model_deep_sums():
    m = _Wide()
    sbml = export_sbml(m)
    assert validate_sbml(sbml) == []
    y = np.linspace(0.3, 0.9, 120)
    np.testing.assert_allclose(_rr_rates(roadrunner.RoadRunner(sbml), sbml, 1.0, y), _model_rates(m, 1.0, y), rtol=1e-12, atol=1e-15)
