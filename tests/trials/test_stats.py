"""Trial statistics on known numbers (osteosim.trials.stats)."""
import math

import pytest

from osteosim.trials import stats


def test_relative_risk_log_interval_on_freedom_counts():
    """FREEDOM 36-month new vertebral fractures: 86 / 3702 denosumab vs 264 / 3691 placebo (Cummings 2009),
    published RR 0.32 (0.26-0.41); the Katz log interval by hand reproduces it."""
    r = stats.relative_risk(86, 3702, 264, 3691)
    rr = (86 / 3702) / (264 / 3691)
    se = math.sqrt(1 / 86 - 1 / 3702 + 1 / 264 - 1 / 3691)
    assert r["rr"] == pytest.approx(rr)
    assert r["ci95"] == pytest.approx([rr * math.exp(-1.959964 * se), rr * math.exp(1.959964 * se)], rel=1e-6)
    assert [round(x, 2) for x in (r["rr"], *r["ci95"])] == [0.32, 0.26, 0.41]
    assert stats.relative_risk(0, 10, 0, 10)["rr"] is None


def test_rate_ratio_log_interval():
    r = stats.rate_ratio(20, 100.0, 40, 100.0)
    half = 1.959964 * math.sqrt(1 / 20 + 1 / 40)
    assert r["rr"] == pytest.approx(0.5)
    assert r["ci95"] == pytest.approx([0.5 * math.exp(-half), 0.5 * math.exp(half)], rel=1e-6)
    # an empty arm: 0.5 added to both counts, so the ratio stays finite
    z = stats.rate_ratio(0, 50.0, 4, 50.0)
    assert z["rr"] == pytest.approx(0.5 / 4.5) and z["ci95"][0] < z["rr"] < z["ci95"][1]
    assert stats.rate_ratio(1, 0.0, 1, 10.0)["rr"] is None
