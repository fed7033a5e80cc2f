"""A short markdown summary of one ``osteosim bench`` result (written next to its JSON by ``--out``)."""
from __future__ import annotations


def summary_md(res: dict, command: str = "") -> str:
    """Engines, tolerances, patients/s, errors, per-core ratios and the machine's load, as markdown."""
    tol = res["tolerances"]
    ld = res.get("load", {})
    rows = [f"# osteosim bench: {res['model']}, {res['patients']:,} patients x {res['years']:g} years",
            "", f"{res['date']}" + (f"; `{command}`" if command else ""), "",
            "| engine | rtol | patients/s | timed patients | max rel err | <= 1e-4 | osteosim / engine | 1-min load |",
            "|---|---:|---:|---:|---:|---|---:|---|"]
    for name, r in res["results"].items():
        if "skipped" in r:
            rows.append(f"| {name} | | skipped | | | | | {r['skipped']} |")
            continue
        err = r.get("max_rel_err")
        ratio = res["ratios"].get(f"vs_{name}")
        rows.append(f"| {name} | {r.get('rtol', ''):g} | {r['patients_per_s']:,.1f} | {r['timed_patients']:,} | "
                    f"{'–' if err is None else f'{err:.1e}'} | {'' if err is None else ('yes' if err <= 1e-4 else 'NO')}"
                    f" | {'' if ratio is None else f'{ratio:.2f}x'} | "
                    f"{r.get('loadavg_1min_before')} -> {r.get('loadavg_1min_after')} |")
    o = res["results"].get("osteosim", {})
    rows.append("")
    if "solver" in o:
        par = [f"{k.split('_')[3]} worker processes {v:,.1f}/s" for k, v in o.items()
               if k.startswith("patients_per_s_") and k.endswith("_workers")]
        rows.append(f"- osteosim: {o['solver']} ({o.get('solver_selection', {}).get('how', '')}), {o.get('path')}, "
                    f"{o['num_steps_mean']:.0f} steps per patient, compile {o['compile_s']:.1f} s excluded"
                    + (f"; pinned one per core: {', '.join(par)}" if par else "") + ".")
    rows.append(f"- Ratios: {res.get('ratio_basis', '')}.")
    every = res["ratios"].get("all_cores")
    if every:
        rows.append(f"- All-core ratios ({res.get('all_cores_ratio_basis', '')}): "
                    + ", ".join(f"osteosim / {k[3:]} {v:.2f}x" for k, v in every.items()) + ".")
    cpu = res["ratios"].get("cpu_time")
    if cpu:
        rows.append("- CPU-time ratios (patients per CPU second of this process; less sensitive to other work on "
                    "the machine): " + ", ".join(f"osteosim / {k[3:]} {v:.2f}x" for k, v in cpu.items()) + ".")
    rows.append(f"- Tolerances: {tol.get('rule', '')}.")
    ref = tol.get("reference")
    if ref:
        rows.append(f"- Reference: {ref['solver']} at rtol {ref['rtol']:g} on the first {ref['patients']} patients; "
                    f"{ref['error_measure']}.")
    if "targets" in res:
        rows.append(f"- Targets: {', '.join(f'{k} {v}' for k, v in res['targets'].items() if k != 'met')}; met: "
                    + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in res["targets"]["met"].items()) + ".")
    rows.append(f"- Machine: {ld.get('cpu_count')} cores ({res['machine'].get('cpu_model')}), 1-min load "
                f"{ld.get('loadavg_1min_before')} before -> {ld.get('loadavg_1min_after')} after the run; "
                f"{res.get('total_wall_s', 0):.0f} s in all.")
    return "\n".join(rows) + "\n"
