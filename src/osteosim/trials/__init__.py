"""Virtual clinical trials: trial files, virtual populations, the chunked runner, endpoints and report.

``TrialSpec.from_yaml(path)`` reads a trial file (DESIGN section 5); ``run_trial(spec, out_dir)``
runs or resumes it and returns the summary.
"""
from .runner import run_trial
from .spec import TrialError, TrialSpec

__all__ = ["TrialSpec", "TrialError", "run_trial"]
