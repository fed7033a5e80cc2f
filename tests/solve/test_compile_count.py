"""One compiled solve serves every regimen: changing a drug, dose, schedule or MSC route never compiles.

Counts real XLA compilations (JAX's backend-compile event: every new executable, whether
compiled or loaded from the persistent cache) while the SAME patient is simulated with one
regimen after another over the same span and save times.
"""
import jax.monitoring
import pytest

from osteosim.simulation import Simulation
from osteosim.solve import SolverOptions

PATIENT = dict(sex="female", age=65, menopause_age=51, tscore_lumbar_spine=-2.5)
#: the backend-compile event: fires for each executable XLA builds (or loads from the cache)
COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"

REGIMENS = [
    [],
    ["alendronate 70 mg weekly"],
    ["denosumab 60 mg every 6 months for 10 years"],  # 20 resolved doses
    ["romosozumab 210 mg monthly for 1 year", "denosumab 60 mg every 6 months from 1 year"],
    ["zoledronic acid 5 mg yearly"],
    ["teriparatide 20 ug daily for 2 years"],
    ["msc bone-marrow allogeneic 1e6 cells/kg iv every 6 months"],
    ["msc bone-marrow allogeneic 1e7 cells/kg intraosseous once site lumbar_spine"],
    ["denosumab 60 mg every 6 months for 5 years", "zoledronic acid 5 mg once at 5 years",
     "msc bone-marrow allogeneic 1e6 cells/kg iv every 3 months for 2 years"],
]


@pytest.mark.parametrize("options", [None, SolverOptions(solver="Rodas5P", rtol=1e-5, atol=1e-7)],
                         ids=["model default", "Rodas5P lanes"])
def test_no_regimen_change_compiles(options):
    compiles: list[str] = []

    def listener(event: str, duration: float, **kw) -> None:
        if event == COMPILE_EVENT:
            compiles.append(kw.get("fun_name", "?"))

    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        counts = []
        for regimen in REGIMENS:
            before = len(compiles)
            res = Simulation(patient=PATIENT, regimen=regimen, years=10, saves_per_year=2,
                             solver_options=options).solve()
            assert res.summary["solver_ok"], regimen
            counts.append(len(compiles) - before)
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
    # the first regimen may compile (or load) the shared solve; no later one may
    named = "; ".join(f"{' + '.join(r) or 'none'}: {c}" for r, c in zip(REGIMENS, counts))
    assert counts[1:] == [0] * (len(REGIMENS) - 1), named
