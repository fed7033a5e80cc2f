"""Shared tiny trials: small solver blocks (8 lanes) so the tests share their compiled solvers."""

BLOCK = 8


def tiny(**over):
    d = dict(name="tiny", population=dict(patients_per_arm=48, sex="female", age=[65, 80], tscore_any=[-4.0, -2.5],
                                          prevalent_vertebral_fracture=0.3),
             years=1, control="placebo",
             arms={"placebo": [], "denosumab": ["denosumab 60 mg every 6 months for 1 year"]},
             visits_months=[6, 12], seed=5)
    d.update(over)
    return d

