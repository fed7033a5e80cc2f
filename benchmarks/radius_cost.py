"""Cost of the fourth site: warm solve time of the pivotal-trial and natural-history cohorts (best of 3).

Run alternately on the code before the radius (PYTHONPATH=/tmp/radius_old/src, 22 states) and after (28):

    OSTEOSIM_CACHE_DIR=/work/jax_cache .venv/bin/python benchmarks/radius_cost.py
"""
import json
import time

from osteosim.calibration import natural_history as nh
from osteosim.calibration import therapies as th
from osteosim.models.osteosim import Osteosim


def main() -> None:
    m = Osteosim()
    p = m.default_parameters().values_dict()
    th.solve_cohort(p, m)  # warm
    nh.simulate_targets(p, m)
    ts = []
    for _ in range(3):
        t = time.perf_counter()
        th.solve_cohort(p, m)
        nh.simulate_targets(p, m)
        ts.append(time.perf_counter() - t)
    print(json.dumps({"n_states": len(m.state_names), "best_s": min(ts)}))


if __name__ == "__main__":
    main()
