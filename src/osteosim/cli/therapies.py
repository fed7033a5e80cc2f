"""``osteosim therapies``: the regimen language's therapies, doses, routes, schedules and sources."""
from __future__ import annotations

import json

import typer

from .console import _console


def therapies(
    json_out: bool = typer.Option(False, "--json", help="Print the catalogue as JSON."),
) -> None:
    """List every therapy of the regimen language: accepted doses, routes, schedules and sources."""
    from rich.markup import escape
    from rich.table import Table

    from ..therapies.catalog import MSC_DEFAULT_DONOR_AGE, MSC_DONORS, MSC_SOURCES, ROUTES, SITES, THERAPIES

    if json_out:
        typer.echo(json.dumps({"therapies": [t.to_dict() for t in THERAPIES.values()],
                               "msc": {"sources": MSC_SOURCES, "donors": MSC_DONORS,
                                       "default_donor_age_years": MSC_DEFAULT_DONOR_AGE, "sites": list(SITES)},
                               "routes": ROUTES}, indent=2))
        return

    def num(x: float) -> str:
        if x < 1e4:
            return f"{x:g}"
        mant, exp = f"{x:.3e}".split("e")
        return f"{mant.rstrip('0').rstrip('.')}e{int(exp)}"

    t = Table(title=escape("osteosim therapies: <therapy> <dose> <unit> [<route>] <frequency> [for <duration>] "
                           "[starting at <time>]"), show_lines=True, expand=True)
    t.add_column("therapy (class; aliases)", ratio=3)
    t.add_column("routes", ratio=2)
    t.add_column("doses (per dose)", ratio=4)
    t.add_column("typical schedules", ratio=4)
    t.add_column("sources", ratio=6)
    for th in THERAPIES.values():
        aliases = [a for a in th.aliases if a != th.name]
        name = f"[bold]{escape(th.name)}[/]\n({escape(th.drug_class)})"
        if aliases:
            name += f"\n[dim]{escape(', '.join(aliases))}[/]"
        doses = []
        for u in th.dose_units:
            lo, hi = th.dose_range(u)
            typical = ", ".join(num(d) for d in th.typical_doses.get(u, ()))
            doses.append(f"{escape(u)}: typical {typical}; allowed {num(lo)}..{num(hi)}")
        for src, (cu, f) in th.conversions.items():
            doses.append(f"{escape(src)} accepted (1 {src} = {f:g} {cu})")
        routes = "\n".join(th.routes)
        if th.is_msc:
            routes += f"\nintraosseous needs: site {' | '.join(SITES)}"
            doses.append("sources: " + ", ".join(MSC_SOURCES))
            doses.append("donor: allogeneic (default) | autologous; donor age <years> (allogeneic only)")
        elif th.infusion_days > 0:
            routes += f" ({th.infusion_days * 1440:g}-min infusion)"
        t.add_row(name, escape(routes), escape("\n".join(doses)),
                  escape("\n".join(th.schedules)), escape("\n".join(th.references)))
    con = _console()
    con.print(t)
    con.print("Times: 1 month = 365.25/12 days, 1 year = 365.25 days. No 'for': the therapy runs to the end of "
              "the simulation. MSC efficacy in humans is hypothetical.", soft_wrap=True)
