"""The benchmark cohort: one model, patients, span, save times and input switches that every engine solves."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..models.base import Model, get_model
from ..runs import Lane, build_run
from ..units import DAYS_PER_YEAR

#: Pivonka parameters varied between patients (log-uniform, +-10 %)
PIVONKA_VARIED = ("D_OBu", "D_OCp", "A_OBa", "A_OCa", "k_form")


@dataclass
class Problem:
    """One cohort: what every engine solves."""

    model: Model
    n: int
    base_params: dict[str, float]
    base_drivers: dict[str, float]
    params: dict[str, object]  # name -> float or (n,) array
    drivers: dict[str, object]  # name -> float or (n,) array
    varied_params: tuple[str, ...]
    varied_drivers: tuple[str, ...]
    y0: np.ndarray  # (n_states,), the same for every patient
    ts: np.ndarray  # (T,) save times, model time (days)
    t0: float
    jumps: list[float]  # input switch times inside (t0, ts[-1])
    description: dict = field(default_factory=dict)

    def patient(self, i: int) -> tuple[dict[str, object], dict[str, object]]:
        """Patient i's parameters and drivers (varied values picked; shared ones as they are)."""
        p = {k: float(np.asarray(v)[i]) if k in self.varied_params else v for k, v in self.params.items()}
        d = {k: float(np.asarray(v)[i]) if k in self.varied_drivers else v for k, v in self.drivers.items()}
        return p, d

    def take(self, sl: slice) -> tuple[dict, dict]:
        n = len(range(*sl.indices(self.n)))

        def cut(dct, varied):
            # shared tables (e.g. an empty dose schedule) go in per patient: (n, k)
            return {k: (np.asarray(v)[sl] if k in varied else
                        np.broadcast_to(np.asarray(v, dtype=float), (n,) + np.shape(v)) if np.ndim(v) else v)
                    for k, v in dct.items()}

        return cut(self.params, self.varied_params), cut(self.drivers, self.varied_drivers)

    def segments(self) -> list[tuple[float, float]]:
        """Integration segments between input switches (every loop engine restarts there)."""
        edges = [self.t0] + [j for j in self.jumps] + [float(self.ts[-1])]
        return list(zip(edges[:-1], edges[1:]))


def build_problem(model: str | Model = "Pivonka2008", patients: int = 1000, years: float = 10.0,
                  seed: int = 7, saves_per_year: float | None = None) -> Problem:
    """The benchmark cohort for ``model``.

    Pivonka2008: the bone-models PTH load case (P_PTH = 1000 pM/day on days 0..100), every
    patient starting at the population steady state, with D_OBu, D_OCp, A_OBa, A_OCa and
    k_form scaled per patient by log-uniform factors in [0.9, 1.1] (seeded); 0..years,
    saved monthly.

    Osteosim: patient-driven; women and men with ages, menopause ages and risk factors drawn
    with the seed, simulated from age 25 (the young-adult peak) to max(age) + years and saved
    yearly (a batch shares its save times, so every engine integrates the same common span).
    """
    m = get_model(model) if isinstance(model, str) else model
    if patients < 1:
        raise ValueError(f"--patients: {patients} is not allowed (a whole number >= 1)")
    if not (0 < years <= 100):
        raise ValueError(f"--years: {years:g} is outside the allowed range (0, 100]")
    rng = np.random.default_rng(seed)
    base = {k: float(v) for k, v in m.default_parameters().values_dict().items()}
    if m.name == "Pivonka2008":
        f = np.exp(rng.uniform(np.log(0.9), np.log(1.1), size=(patients, len(PIVONKA_VARIED))))
        load = dict(P_PTH=1000.0, input_start=0.0, input_end=100.0)
        lanes = [Lane(params={k: base[k] * f[i, j] for j, k in enumerate(PIVONKA_VARIED)}, drivers=load)
                 for i in range(patients)]
        per = 12.0 if saves_per_year is None else saves_per_year
        t1 = years * DAYS_PER_YEAR
        # every patient starts at the population steady state: the base parameters set the reference
        run = build_run(m, lanes, base, ts=np.linspace(0.0, t1, max(2, int(round(years * per)) + 1)))
        drivers = run.lane_drivers[0]
        params: dict[str, object] = dict(base, **{k: run.params[k] for k in PIVONKA_VARIED})
        y0, ts, t0 = run.y0[0], run.ts, run.t0
        desc = {
            "cohort": "Pivonka 2008 with inter-patient variation: D_OBu, D_OCp, A_OBa, A_OCa, k_form each x "
                      "exp(U(ln 0.9, ln 1.1)) (seeded); every patient starts at the population steady state "
                      "(base parameters), BV0 = 100 %",
            "load": "bone-models PTH load case: P_PTH = 1000 pM/day on days 0..100",
            "varied_parameters": list(PIVONKA_VARIED),
        }
        return Problem(m, patients, base, dict(drivers), params, dict(drivers), PIVONKA_VARIED, (), y0, ts, t0,
                       _jumps(m, drivers, t0, ts[-1]), desc)
    if m.uses_patient:
        from ..physiology.patient import Patient

        pts = []
        for _ in range(patients):
            female = bool(rng.random() < 0.75)
            age = float(rng.uniform(50.0, 70.0))
            kw = dict(sex="female" if female else "male", age=age,
                      bmi=float(np.clip(rng.normal(26.0, 4.0), 16.0, 45.0)),
                      calcium_mg_per_day=float(rng.uniform(400.0, 1300.0)),
                      vitamin_d_ng_per_ml=float(rng.uniform(10.0, 40.0)),
                      physical_activity=str(rng.choice(["sedentary", "low", "moderate", "high"])),
                      smoker=bool(rng.random() < 0.15), glucocorticoids=bool(rng.random() < 0.05))
            if female:
                kw["menopause_age"] = float(rng.uniform(45.0, 55.0))
            pts.append(Patient(**kw))
        cohort = ("patients drawn with the seed: 75 % women (menopause 45..55), age U(50, 70), BMI N(26, 4), "
                  "calcium U(400, 1300) mg/d, vitamin D U(10, 40) ng/mL, activity level uniform, "
                  "smokers 15 %, glucocorticoids 5 %; default Osteosim2026 parameters")
        return patient_problem(m, pts, years, saves_per_year, cohort=cohort)
    raise ValueError(f"--model: {m.name!r} has no benchmark cohort; allowed: Pivonka2008, Osteosim")


def patient_problem(model: Model, patients: list, years: float, saves_per_year: float | None = None,
                    regimen=None, cohort: str = "") -> Problem:
    """The cohort of a patient-driven model: ``patients`` (each with ``regimen``, default none) from
    the young-adult peak to max(age) + years, saved ``saves_per_year`` (default yearly) on a common
    grid; default parameters.  Drivers equal in every lane stay shared, the others vary (scalars)."""
    from ..physiology.drivers import PEAK_AGE

    base = {k: float(v) for k, v in model.default_parameters().values_dict().items()}
    max_age = max(pt.age for pt in patients)
    per = 1.0 if saves_per_year is None else saves_per_year
    peak = PEAK_AGE["human"]
    n_t = max(2, int(round((max_age + years - peak) * per)) + 1)
    ages = np.linspace(peak, max_age + years, n_t)
    run = build_run(model, [Lane(pt, regimen) for pt in patients], base, ts=ages * DAYS_PER_YEAR, years=years)
    dl = run.lane_drivers
    drivers = {}
    varied = []
    for k in dl[0]:
        col = np.asarray(run.drivers[k], dtype=float)
        if np.all(col == col[0]):
            drivers[k] = dl[0][k]  # shared (a scalar, or a table such as an empty dose schedule)
        elif col.ndim == 1:
            drivers[k] = col
            varied.append(k)
        else:
            raise ValueError(f"drivers: {k} differs between patients and is not a scalar")
    y0, ts, t0 = run.y0[0], run.ts, run.t0
    desc = {
        "cohort": cohort,
        "span_note": f"simulated from age {peak:g} to max(age) + years = {ages[-1]:.2f} (common save grid)",
        "varied_drivers": varied,
    }
    return Problem(model, len(patients), base, dict(dl[0]), dict(base), drivers, (), tuple(varied), y0, ts, t0,
                   _jumps(model, dl[0], t0, ts[-1]), desc)


def _jumps(m: Model, drivers: dict, t0: float, t1: float) -> list[float]:
    flat = [float(j) for js in m.jump_times(drivers) for j in np.ravel(js)]
    return sorted({j for j in flat if t0 < j < t1})
