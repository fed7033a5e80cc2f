"""What a trial records, shared by the runner (which simulates it) and the endpoints (which summarise it)."""
from __future__ import annotations

import numpy as np

from .spec import TrialSpec

__all__ = ["months_grid"]


def months_grid(spec: TrialSpec) -> np.ndarray:
    """Trial-time grid (months): every whole month and every visit."""
    months = np.arange(0.0, np.floor(spec.years * 12.0 + 1e-9) + 1.0)
    return np.unique(np.concatenate([months, [0.0], spec.visits_months, [spec.years * 12.0]]))
