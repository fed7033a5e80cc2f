"""MSC design explorer: source x route x dose x schedule for one patient, with uncertainty.

Every design is the regimen ``msc <source> <donor> <dose> <route> <schedule> [site <site>]``
(plus an optional background drug, ``with_regimen``) given to the same patient from her
current age for :data:`HORIZON_YEARS` years; two reference rows (no treatment, and the
drug alone when one is given) are run alongside.  Each design gets an ensemble of
``draws`` parameter sets (:mod:`osteosim.outcomes.ensemble`: scrambled Latin hypercube
over the uncertain parameters).  The same draws are used for every design (common random
numbers), so the ranking compares designs, not sampling noise.

Batching: the pre-treatment history (peak bone mass to the current age) does not depend on
the design or the draw (every dose falls at or after the start, and no sampled parameter
acts without graft cells or drug), so it is solved once; then every (design, draw) lane
starts from that state in one :func:`~osteosim.solve.integrate.solve_chunked` call.  Lanes
are ordered so that each compiled block of :data:`BLOCK` lanes holds draws of one design:
a block stops when its own lanes are done (a single dose needs ~30 steps, re-dosing ~300),
instead of every lane waiting for the slowest one of a single wide batch.

Outputs per design and site: BMD change (% of the start value) at 2 and 5 years, 5th,
50th and 95th percentile over the draws.  BMD change does not depend on the absolute peak
BMD, so a measured T-score sets the start but not the change.  MSC efficacy in humans is
hypothetical (calibration-targets.csv row 69).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..outcomes.ensemble import BLOCK, DEFAULT_SEED, sample_parameters, uncertain_parameters
from ..outcomes.patient_run import relative_bmd
from ..physiology.patient import SITES, Patient
from ..report.style import SITE_ABBR
from ..runs import Lane, build_run
from ..solve import solve_batch
from ..therapies import parse_regimen
from ..therapies import catalog as cat
from ..therapies.msc import HYPOTHETICAL_NOTE
from ..units import DAYS_PER_YEAR

__all__ = ["HORIZON_YEARS", "REPORT_YEARS", "DEFAULT_SOURCES", "DEFAULT_ROUTES", "DEFAULT_DOSES",
           "DEFAULT_SCHEDULES", "DEFAULT_DRAWS", "DEFAULT_PATIENT", "Design", "ExploreResult", "build_designs",
           "explore", "plot_explore"]

#: years simulated after the patient's current age; changes are reported at REPORT_YEARS
HORIZON_YEARS = 5.0
REPORT_YEARS = (2, 5)
DEFAULT_SOURCES = tuple(cat.MSC_SOURCES)
DEFAULT_ROUTES = ("iv", "intraosseous")
#: the catalogue's typical IV doses span 1e6..1e7 cells/kg (NCT02566655: 2e6 and 5e6 cells/kg)
DEFAULT_DOSES = ("1e6 cells/kg", "1e7 cells/kg")
DEFAULT_SCHEDULES = ("once", "every 6 months for 2 years")
DEFAULT_DRAWS = 8
#: the issue's patient: a 68-year-old woman (menopause at 51) with a lumbar-spine T-score of -2.7
DEFAULT_PATIENT = dict(sex="female", age=68.0, menopause_age=51.0, tscore_lumbar_spine=-2.7)
ROUTES = ("iv", "intraosseous")


@dataclass(frozen=True)
class Design:
    """One row of the exploration: an MSC design, or a reference (no MSC)."""

    label: str
    regimen: tuple[str, ...]
    source: str = ""
    donor: str = ""
    route: str = ""
    dose: str = ""
    schedule: str = ""
    site: str = ""  # injection site of an intraosseous design

    @property
    def is_reference(self) -> bool:
        return not self.source


@dataclass
class ExploreResult:
    table: pd.DataFrame  # one row per design, ranked
    meta: dict = field(default_factory=dict)


def _norm_source(s: str) -> str:
    key = " ".join(s.lower().split())
    if key not in cat.MSC_SOURCE_ALIASES:
        hint = cat.suggest(s, cat.MSC_SOURCE_ALIASES)
        raise ValueError(f"--sources: {s!r} is not an MSC source{f' (did you mean {hint!r}?)' if hint else ''}; "
                         f"allowed: {', '.join(cat.MSC_SOURCES)}")
    return cat.MSC_SOURCE_ALIASES[key]


def _check(field_name: str, value: str, text: str) -> None:
    """Parse one probe regimen; a failure names the option and the value."""
    try:
        parse_regimen([text])
    except ValueError as exc:
        raise ValueError(f"{field_name}: {value!r} is not allowed: {' '.join(str(exc).split())}") from None


def build_designs(sources: Sequence[str] = DEFAULT_SOURCES, routes: Sequence[str] = DEFAULT_ROUTES,
                  doses: Sequence[str] = DEFAULT_DOSES, schedules: Sequence[str] = DEFAULT_SCHEDULES,
                  donor: str = "allogeneic", site: str = "lumbar_spine",
                  with_regimen: Sequence[str] = ()) -> list[Design]:
    """The grid (schedule outermost, so similar step counts share compiled blocks) plus references.

    Doses are ``"<number> cells/kg"`` or ``"<number> cells"`` (a bare number means cells/kg);
    intraosseous injections go into ``site``.  Autologous umbilical-cord cells do not exist:
    with ``donor="autologous"`` that source is dropped when it came from the defaults and is an
    error when asked for.
    """
    if donor not in cat.MSC_DONORS:
        raise ValueError(f"--donor: {donor!r} is not allowed; allowed: {', '.join(cat.MSC_DONORS)}")
    if site not in SITES:
        raise ValueError(f"--site: {site!r} is not allowed; allowed: {', '.join(SITES)}")
    for name, values in (("--sources", sources), ("--routes", routes), ("--doses", doses), ("--schedules", schedules)):
        if not values:
            raise ValueError(f"{name}: empty; give at least one value")
    srcs = list(dict.fromkeys(_norm_source(s) for s in sources))
    if donor == "autologous" and "umbilical-cord" in srcs:
        if tuple(sources) != DEFAULT_SOURCES:
            raise ValueError("--sources: 'umbilical-cord' is not allowed with --donor autologous "
                             "(umbilical-cord MSCs are always allogeneic)")
        srcs.remove("umbilical-cord")
    for r in routes:
        if r not in ROUTES:
            raise ValueError(f"--routes: {r!r} is not allowed; allowed: {', '.join(ROUTES)}")
    dose_words = []
    for dz in doses:
        words = dz.split()
        text = f"{dz} cells/kg" if len(words) == 1 else dz
        _check("--doses", dz, f"msc bone-marrow {text} iv once")
        dose_words.append(text)
    for sc in schedules:
        _check("--schedules", sc, f"msc bone-marrow 1e6 cells/kg iv {sc}")
    background = tuple(with_regimen)
    if background:
        try:
            reg = parse_regimen(list(background))
        except ValueError as exc:
            raise ValueError(f"--with: {' '.join(str(exc).split())}") from None
        if any(pr.is_msc for pr in reg):
            raise ValueError(f"--with: {'; '.join(background)!r} gives MSCs; --with is for a drug given "
                             "alongside every design")
    designs = [Design("no treatment", ())]
    if background:
        designs.append(Design(" + ".join(dict.fromkeys(pr.therapy for pr in reg)) + " alone", background))
    for sc in dict.fromkeys(schedules):
        for r in dict.fromkeys(routes):
            for src in srcs:
                for dz in dict.fromkeys(dose_words):
                    where = f" site {site}" if r == "intraosseous" else ""
                    line = f"msc {src} {donor} {dz} {r} {sc}{where}"
                    label = f"{src} {r}{' ' + SITE_ABBR[site] if r == 'intraosseous' else ''}"
                    designs.append(Design(label, (line,) + background, src, donor, r, dz, sc,
                                          site if r == "intraosseous" else ""))
    for d in designs:
        if not d.is_reference:
            _check("design", d.regimen[0], d.regimen[0])
    return designs


def explore(patient: Patient | None = None, designs: Sequence[Design] | None = None, draws: int = DEFAULT_DRAWS,
            seed: int = DEFAULT_SEED, rank_site: str | None = None, model=None) -> ExploreResult:
    """Run every design with ``draws`` parameter sets; the ranked table and run facts.

    ``rank_site``: the site whose 5-year median BMD change ranks the designs (default: the
    site of the patient's measured baseline, else the lumbar spine).
    """
    from ..models.osteosim import Osteosim
    from ..outcomes.patient_run import species_parameters

    patient = patient if patient is not None else Patient(**DEFAULT_PATIENT)
    if patient.species != "human":
        raise ValueError(f"patient.species: {patient.species!r} is not allowed; the explorer's 2- and 5-year "
                         "horizon is for human patients (allowed: human)")
    designs = list(designs) if designs is not None else build_designs()
    if draws < 1:
        raise ValueError(f"--draws: {draws} is not allowed (a whole number >= 1)")
    measured = list(patient.measured_baseline())
    rank_site = rank_site or (measured[0] if measured else "lumbar_spine")
    if rank_site not in SITES:
        raise ValueError(f"--rank-site: {rank_site!r} is not allowed; allowed: {', '.join(SITES)}")
    model = model or Osteosim()
    pset = species_parameters(model, model.default_parameters(), patient.species)
    p_nom = pset.values_dict()
    regimens = [parse_regimen(list(d.regimen)) for d in designs]
    # one draw set over the union of every design's uncertain parameters (common random numbers)
    uncertain = {u.name: u for reg in regimens for u in uncertain_parameters(pset, reg)}
    samples = sample_parameters(list(uncertain.values()), draws, seed) if draws > 1 else {}
    draw_params = [{k: float(v[i]) for k, v in samples.items()} for i in range(draws)]
    lanes, owner = [], []
    for j, (d, reg) in enumerate(zip(designs, regimens)):
        own = {u.name for u in uncertain_parameters(pset, reg)}
        # a design none of whose parameters are uncertain (no treatment) needs one lane, not `draws`
        members = draw_params if own and draws > 1 else [{}]
        for over in members:
            lanes.append(Lane(patient, reg, params=over))
            owner.append(j)
    owner = np.array(owner)
    ages = patient.age + np.arange(0.0, HORIZON_YEARS + 0.5, 1.0)  # yearly: save index k = year k
    ts = ages * DAYS_PER_YEAR
    # each draw with its own reference state, as in the ensemble
    run = build_run(model, lanes, p_nom, ts=ts, years=HORIZON_YEARS, reference="lane")
    # the shared history: peak to just before the current age (a dose at the start must not act
    # inside the history's last step; the lanes then see it from their first step, as a jump would)
    t_hist = np.nextafter(ts[0], -np.inf)
    hist = solve_batch(model, {k: v[0] for k, v in run.params.items()}, run.y0[0], np.full(ts.shape, t_hist),
                       {k: v[0] for k, v in run.drivers.items()}, t0=run.t0)
    if not hist.ok[0]:
        raise RuntimeError("explore: the solver failed on the patient's history")
    y_start = np.repeat(hist.ys[:, -1], len(lanes), axis=0)
    sol = replace(run, y0=y_start, t0=float(ts[0])).solve(block=BLOCK)
    ok = np.asarray(sol.ok, dtype=bool)
    rows = []
    for j, d in enumerate(designs):
        sel = (owner == j) & ok
        row = {"design": d.label, "source": d.source or "–", "donor": d.donor or "–", "route": d.route or "–",
               "dose": d.dose or "–", "schedule": d.schedule or "–", "site": d.site or "–",
               "regimen": "; ".join(d.regimen) or "none",
               "draws": int(sel.sum()), "failed_draws": int(((owner == j) & ~ok).sum())}
        for site in SITES:
            rel = relative_bmd(model, sol.ys[sel], site)  # (draws, T)
            for yr in REPORT_YEARS:
                change = 100.0 * (rel[:, yr] / rel[:, 0] - 1.0)
                q = np.percentile(change, (5.0, 50.0, 95.0)) if change.size else np.full(3, np.nan)
                for name, v in zip(("p05", "p50", "p95"), q):
                    row[f"{site}_{yr}y_{name}"] = float(v)
        rows.append(row)
    table = pd.DataFrame(rows)
    key = f"{rank_site}_{REPORT_YEARS[-1]}y_p50"
    table = table.sort_values([key, f"{rank_site}_{REPORT_YEARS[0]}y_p50"], ascending=False, kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    meta = {
        "patient": patient.model_dump(exclude_none=True),
        "horizon_years": HORIZON_YEARS,
        "report_years": list(REPORT_YEARS),
        "rank_site": rank_site,
        "with": [line for d in designs if d.is_reference for line in d.regimen],
        "ranked_by": f"median BMD change at {rank_site} after {REPORT_YEARS[-1]} years",
        "draws": draws,
        "seed": seed,
        "lanes": len(lanes),
        "failed_lanes": int((~ok).sum()),
        "solver_steps_max": int(np.max(sol.num_steps)),
        "uncertain_parameters": [u.to_dict() for u in uncertain.values()] if draws > 1 else [],
        "method": "BMD change (% of start) per site, 5th/50th/95th percentile over the draws; the same Latin "
                  "hypercube draws for every design (common random numbers)",
        "note": HYPOTHETICAL_NOTE,
    }
    return ExploreResult(table.reset_index(drop=True), meta)


def plot_explore(res: ExploreResult, site: str | None = None):
    """Ranked designs: median 2- and 5-year BMD change at ``site`` with 5-95 % whiskers (a Figure)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..report.style import SITE_LABELS

    site = site or res.meta["rank_site"]
    t = res.table
    n = len(t)
    fig = Figure(figsize=(10.0, 1.6 + 0.32 * n))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    y = np.arange(n)[::-1]
    for off, yr, color in ((0.17, REPORT_YEARS[0], "#9ecae1"), (-0.17, REPORT_YEARS[-1], "#08519c")):
        mid = t[f"{site}_{yr}y_p50"].to_numpy()
        lo = mid - t[f"{site}_{yr}y_p05"].to_numpy()
        hi = t[f"{site}_{yr}y_p95"].to_numpy() - mid
        ax.barh(y + off, mid, height=0.32, color=color, label=f"{yr} years (median, 5–95 %)")
        ax.errorbar(mid, y + off, xerr=[lo, hi], fmt="none", ecolor="0.2", elinewidth=0.8, capsize=2)
    labels = [(f"{r.design}, {r.dose}, {r.schedule}" if r.source != "–" else r.design) for r in t.itertuples()]
    ax.set_yticks(y)
    ax.set_yticklabels([f"{i}. {lab}" for i, lab in zip(t["rank"], labels)], fontsize=7)
    ax.axvline(0.0, color="0.4", lw=0.6)
    ax.set_xlabel(f"BMD change at {SITE_LABELS.get(site, site)} (% of start)", fontsize=9)
    pt = res.meta["patient"]
    measured = ", ".join(f"T-score {SITE_ABBR[k[len('tscore_'):]]} {v:g}"
                         for k, v in pt.items() if k.startswith("tscore_"))
    ax.set_title(f"MSC designs for a {pt.get('age', 0):g}-year-old {pt.get('sex', '')}"
                 f"{f' ({measured})' if measured else ''}, {res.meta['draws']} draws per design\n"
                 "MSC efficacy in humans is hypothetical", fontsize=10)
    ax.grid(True, axis="x", alpha=0.25, lw=0.5)
    ax.legend(fontsize=8, loc="lower right", frameon=False)
    fig.tight_layout()
    return fig
