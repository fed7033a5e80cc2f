"""report.html of a virtual trial: BMD curves with bands, fracture table, Kaplan-Meier plots,
and simulated vs published side by side (one self-contained file, figures inline as PNG)."""
from __future__ import annotations

import base64
import html

from matplotlib.figure import Figure

from ..physiology.patient import SITES
from ..report.plots import SITE_LABELS, figure_png_bytes
from .outputs import KINDS_OUT
from .spec import PUBLISHED, TrialSpec

__all__ = ["render_report"]

_COLORS = ("#444444", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")
#: arms with the same result (an arm that changes nothing) stay visible: each has its own dash
_DASHES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 2)), (0, (8, 2)))
_STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.ok{color:#18794e}.miss{color:#b42318}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.6em 1em}img{max-width:100%}"""


def _img(fig: Figure) -> str:
    return f'<img alt="" src="data:image/png;base64,{base64.b64encode(figure_png_bytes(fig, dpi=90)).decode()}">'


def _f(v, spec=".2f", suffix="") -> str:
    return "–" if v is None else f"{v:{spec}}{suffix}"


def _ci(ci, spec=".2f") -> str:
    return "–" if not ci or ci[0] is None else f"{ci[0]:{spec}} to {ci[1]:{spec}}"


def _bmd_figure(summary: dict) -> Figure:
    fig = Figure(figsize=(11, 3.6), layout="constrained")
    axes = fig.subplots(1, len(SITES), sharey=True)
    for ax, site in zip(axes, SITES):
        for color, dash, (arm, a) in zip(_COLORS, _DASHES, summary["arms"].items()):
            months = [0.0] + [float(m) for m in a["bmd_pct_change"][site]]
            vals = [a["bmd_pct_change"][site][m] for m in a["bmd_pct_change"][site]]
            mean = [0.0] + [v["mean"] for v in vals]
            sd = [0.0] + [v["sd"] or 0.0 for v in vals]
            lo = [0.0] + [v["ci95"][0] if v["ci95"][0] is not None else v["mean"] for v in vals]
            hi = [0.0] + [v["ci95"][1] if v["ci95"][1] is not None else v["mean"] for v in vals]
            ax.fill_between(months, [m - s for m, s in zip(mean, sd)], [m + s for m, s in zip(mean, sd)],
                            color=color, alpha=0.10, lw=0)
            ax.fill_between(months, lo, hi, color=color, alpha=0.35, lw=0)
            ax.plot(months, mean, marker="o", ls=dash, color=color, ms=3, label=arm)
        ax.axhline(0.0, color="#999", lw=0.8)
        ax.set_title(SITE_LABELS.get(site, site))
        ax.set_xlabel("months")
    axes[0].set_ylabel("BMD change from baseline (%)")
    axes[-1].legend(fontsize=8)
    return fig


def _km_figure(summary: dict) -> Figure:
    km = summary["km"]
    fig = Figure(figsize=(11, 3.4), layout="constrained")
    axes = fig.subplots(1, len(KINDS_OUT))
    for ax, kind in zip(axes, KINDS_OUT):
        for color, dash, (arm, curve) in zip(_COLORS, _DASHES, km["cumulative_incidence"][kind].items()):
            if curve:
                ax.step(km["t_years"], [100.0 * c for c in curve], where="post", color=color, ls=dash, label=arm)
        ax.set_title(f"{kind} fracture")
        ax.set_xlabel("years")
    axes[0].set_ylabel("cumulative incidence (%, Kaplan-Meier)")
    axes[-1].legend(fontsize=8)
    return fig


def render_report(spec: TrialSpec, summary: dict) -> str:
    e = html.escape
    arms = summary["arms"]
    ctrl = summary["control"]
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{e(spec.name)}</title>"
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>{e(spec.name)}</h1>",
             f"<p>{spec.population.patients_per_arm:,} virtual patients per arm, {spec.years:g} years, "
             f"control arm <b>{e(ctrl)}</b>, seed {summary['seed']}. "
             f"{e(summary['method']['design'])}.</p>"]
    if any("msc" in " ".join(a["regimen"]).lower() for a in arms.values()):
        parts.append("<p class='note'>MSC arms are hypothetical: no human trial has reported a BMD or fracture "
                     "outcome of MSC therapy (calibration-targets row 69); their results show what the model's "
                     "mechanisms imply, not evidence.</p>")
    b = summary["baseline"]
    parts.append("<h2>Population at randomisation</h2><table><tr><th>characteristic</th><th>value</th></tr>"
                 f"<tr><td>age, mean (SD)</td><td>{_f(b['age_mean'], '.1f')} ({_f(b['age_sd'], '.1f')})</td></tr>"
                 + "".join(f"<tr><td>T-score {SITE_LABELS.get(s, s)}, mean</td><td>{_f(b[f'tscore_{s}_mean'])}</td></tr>"
                           for s in SITES)
                 + f"<tr><td>prevalent vertebral fracture</td><td>{100 * b['prevalent_vertebral_fracture']:.0f} %</td></tr>"
                 f"<tr><td>prior fracture (any)</td><td>{100 * b['prior_fracture']:.0f} %</td></tr>"
                 f"<tr><td>BMI, mean</td><td>{b['bmi_mean']:.1f}</td></tr></table>")
    parts.append("<h2>BMD</h2><p>Mean change from baseline per arm; dark band: 95 % CI of the mean; light band: "
                 "± 1 SD between patients.</p>" + _img(_bmd_figure(summary)))
    rows = "".join(
        f"<tr><td>{e(arm)}</td>" + "".join(
            f"<td>{_f(a['bmd_pct_change'][s].get(summary['visits_months'][-1], {}).get('mean'), '+.2f')} "
            f"({_ci(a['bmd_pct_change'][s].get(summary['visits_months'][-1], {}).get('ci95'))})</td>" for s in SITES) + "</tr>"
        for arm, a in arms.items())
    parts.append(f"<table><tr><th>arm (month {summary['visits_months'][-1]})</th>"
                 + "".join(f"<th>{SITE_LABELS.get(s, s)} % (95 % CI)</th>" for s in SITES) + f"</tr>{rows}</table>")
    parts.append("<h2>Fractures</h2><p>Patients with at least one new fracture during the trial; relative risk "
                 f"and Cox hazard ratio versus <b>{e(ctrl)}</b>. The fracture model has no drug-specific multiplier: "
                 "differences come from the simulated BMD.</p><table><tr><th>arm</th>"
                 + "".join(f"<th>{k}: n (%)</th><th>{k}: RR (95 % CI)</th><th>{k}: HR (95 % CI)</th>" for k in KINDS_OUT)
                 + "</tr>")
    for arm, a in arms.items():
        cells = []
        for k in KINDS_OUT:
            fr, rr = a["fractures"][k], a["relative_risk"][k]
            hr = a.get("hazard_ratio", {}).get(k)
            cells.append(f"<td>{fr['events']} ({_f(100 * fr['incidence'] if fr['incidence'] is not None else None, '.1f')})</td>"
                         f"<td>{'–' if arm == ctrl else _f(rr['rr']) + ' (' + _ci(rr['ci95']) + ')'}</td>"
                         f"<td>{'–' if hr is None else _f(hr['hr']) + ' (' + _ci(hr['ci95']) + ')'}</td>")
        parts.append(f"<tr><td>{e(arm)}</td>{''.join(cells)}</tr>")
    parts.append("</table><h3>Kaplan-Meier cumulative incidence of the first fracture</h3>" + _img(_km_figure(summary)))
    if summary["power"]:
        parts.append("<h3>Power (vertebral fracture, two-sided 5 %)</h3><table><tr><th>arm</th><th>control risk</th>"
                     "<th>arm risk</th><th>power at this n</th><th>n per arm for 80 %</th></tr>"
                     + "".join(f"<tr><td>{e(arm)}</td><td>{100 * p['p_control']:.1f} %</td><td>{100 * p['p_treated']:.1f} %</td>"
                               f"<td>{_f(p['power_at_n'], '.2f')}</td><td>{p['n_per_arm_for_80pct_power'] or '–'}</td></tr>"
                               for arm, p in summary["power"].items()) + "</table>")
    if summary["published_comparison"]:
        parts.append(f"<h2>Simulated vs published: {e(PUBLISHED[spec.published])}</h2>"
                     "<p>BMD targets of calibration-targets.csv (C rows).</p><table><tr><th>row</th><th>quantity</th>"
                     "<th>month</th><th>published</th><th>simulated</th><th>within tolerance</th><th>source</th></tr>"
                     + "".join(
                         f"<tr><td>{e(r['id'])}</td><td>{e(r['quantity'])}</td><td>{r['month']}</td>"
                         f"<td>{r['published']:+.1f} ± {r['tolerance']:g} ({e(r['unit'])})</td><td>{r['simulated']:+.2f}</td>"
                         f"<td class='{'ok' if r['within_tolerance'] else 'miss'}'>{'yes' if r['within_tolerance'] else 'no'}</td>"
                         f"<td>{e(r['source'])}</td></tr>" for r in summary["published_comparison"]) + "</table>")
    if summary.get("published_fracture_comparison"):
        rows = []
        for r in summary["published_fracture_comparison"]:
            ok = r["ratio_within_ci"]
            cls = "" if ok is None else ("ok" if ok else "miss")
            pub_ci = f" ({_ci(r['published_ci95'])})" if r["published_ci95"] else ""
            rows.append(f"<tr><td>{e(r['kind'])}</td><td>{r['published_month']:g}"
                        f"{'' if r['simulated_month'] == r['published_month'] else ' (sim. ' + format(r['simulated_month'], 'g') + ')'}</td>"
                        f"<td>{_f(r['published_placebo_pct'], '.1f')} / {_f(r['published_treated_pct'], '.1f')}</td>"
                        f"<td>{_f(r['simulated_placebo_pct'], '.1f')} / {_f(r['simulated_treated_pct'], '.1f')}</td>"
                        f"<td>{r['measure']} {_f(r['published_ratio'])}{pub_ci}</td>"
                        f"<td class='{cls}'>{_f(r['simulated_rr'])} ({_ci(r['simulated_ci95'])})</td>"
                        f"<td>{e(r['note'])} {e(r['source'])}</td></tr>")
        parts.append("<h3>Fracture outcomes: simulated vs published</h3><p>Not calibration targets: the fracture "
                     "model is built from epidemiological relative risks and incidences, and treatments reach it only "
                     "through the simulated BMD, so these columns test the mechanism. Incidence: % of patients with at "
                     f"least one fracture, control / {e(summary['published_fracture_comparison'][0]['arm'])}.</p>"
                     "<table><tr><th>kind</th><th>month</th><th>published %</th><th>simulated %</th>"
                     "<th>published ratio (95 % CI)</th><th>simulated RR (95 % CI)</th><th>source</th></tr>"
                     + "".join(rows) + "</table>")
    parts.append("<h2>Method</h2><ul>" + "".join(f"<li><b>{e(k)}</b>: {e(str(v))}</li>" for k, v in summary["method"].items())
                 + f"</ul><p>References: {e(', '.join(summary['citations']))}.</p></body></html>")
    return "\n".join(parts)
