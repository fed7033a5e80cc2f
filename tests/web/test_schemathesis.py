"""Schemathesis against the app's own OpenAPI document: generated and hostile requests, zero server errors.

A small example budget per operation keeps this in seconds; the check is that nothing answers 5xx
(503 "busy" included: nothing here runs long enough to fill a queue).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from osteosim.web import create_app
from osteosim.web.schemas import Limits

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# small caps keep the valid runs short (the caps themselves are what a 4xx must come from)
LIMITS = Limits(max_years=2.0, max_heal_weeks=3.0, max_trial_patients=4, max_trial_years=0.5, max_study_years=0.5,
                max_study_draws=2, max_study_regimens=3, max_study_cohort=2, max_study_sensitivity_n=4)
# finished studies go to a folder of this run, removed at exit (never the user's cache)
STUDY_STORE = tempfile.TemporaryDirectory(prefix="osteosim-study-store-")
# building the app is cheap (no model is compiled until a request needs it)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(LIMITS, study_cache=Path(STUDY_STORE.name)))


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    response = case.call(timeout=300)  # the first simulation compiles the model
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}\nbody sent: {case.body!r}\n"
        f"answer: {response.text[:500]}")
