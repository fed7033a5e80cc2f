"""``osteosim validate``: every calibration target, simulated, with pass/fail."""
from __future__ import annotations

from .console import _console


def validate() -> None:
    """Simulate every calibration target (natural history and pivotal trials): target, simulated, tolerance, pass/fail, source."""
    from rich.table import Table

    from ..calibration import natural_history as nh
    from ..calibration import therapies as th
    from ..models.osteosim import Osteosim

    m = Osteosim()
    p = m.default_parameters().values_dict()
    rows = []
    nh_sim = nh.simulate_targets(p, m)
    for k, (v, tol, src) in nh._targets().items():
        rows.append((k, nh_sim[k], f"{v:g}", tol, abs(nh_sim[k] - v) <= tol, src))
    th_sim = th.simulate_trial_targets(p, m)
    for k, (lo, hi, tol, src) in th._target_table().items():
        target = f"{lo:g}" if lo == hi else f"{lo:g}..{hi:g}"
        rows.append((k, th_sim[k], target, tol, abs(th._miss(th_sim[k], lo, hi)) <= tol, src))
    # QCT finite-element strength: rows 81a/81b fit the strength law's mineral exponent, the rest are
    # predictions (calibration-targets.csv use V)
    from ..calibration.strength import FITTED_ROWS

    for k, (lo, hi, tol, src) in th.strength_table().items():
        label = f"{lo:g}" if k in FITTED_ROWS else f"{lo:g} (check)"
        rows.append((k, th_sim[k], label, tol, abs(th._miss(th_sim[k], lo, hi)) <= tol, src))
    # distal radius: its turnover, strain exponent and cancellous turnover ratio are fitted on their own
    # (calibration.radius) to rows 90a-90e, 90g and 90h; 90f is a check
    from ..calibration import radius as rf

    rf_sim = rf.simulate_targets(p, m)
    for k, (v, tol, src) in rf.targets().items():
        label = f"{v:g}" if k in rf.FITTED_ROWS else f"{v:g} (check)"
        rows.append((k, rf_sim[k], label, tol, abs(rf_sim[k] - v) <= tol, src))
    # rat OVX MSC effect sizes: the rat's niche capacity, IV secretome reach and immunomodulation (gain, half-life)
    # are fitted (calibration.rat_msc) to rows 68d-68h (human MSC efficacy stays hypothetical, row 69)
    from ..calibration import rat_msc as rm

    rm_sim = rm.simulate_targets(rm.rat_base(m), m)
    for k, (v, tol, src) in rm.targets().items():
        label = f"{v:g}" if k in rm.FITTED_ROWS else f"{v:g} (check)"
        rows.append((k, rm_sim[k], label, tol, rm.passes(k, rm_sim[k], v, tol), src))
    t = Table(title="osteosim validate: calibration targets (rows marked 'check' are predictions, never fitted)")
    for c in ("target id", "simulated", "target", "tolerance", "pass", "source"):
        t.add_column(c)
    for k, sim, target, tol, ok, src in rows:
        t.add_row(k, f"{sim:.2f}", target, f"{tol:g}", "pass" if ok else "[red]FAIL[/red]", src)
    _console().print(t)
    n_ok = sum(r[4] for r in rows)
    _console().print(f"{n_ok} passed, {len(rows) - n_ok} failed")
    _console().print(c_row_line(rows))


def c_row_line(rows) -> str:
    """The share of calibration-targets.csv's C rows (``use`` C: the calibration rows; V rows are checks) within
    tolerance, and the misses by id: the count issue 17's done-means asks for."""
    from ..trials.targets import load_targets

    targets = load_targets()
    c_rows = [(k, ok) for k, _, _, _, ok, _ in rows if k in targets and targets[k].use == "C"]
    n_ok = sum(ok for _, ok in c_rows)
    misses = [k for k, ok in c_rows if not ok]
    return (f"C rows (calibration-targets.csv use C) within tolerance: {n_ok} of {len(c_rows)} "
            f"({100.0 * n_ok / max(len(c_rows), 1):.0f} %); misses: {', '.join(misses) or 'none'}")
