"""The mapping form of the regimen language (YAML): ``{therapy: ..., dose: ..., every: ..., for: ...}`` -> Prescription.

Keys are :data:`MAPPING_KEYS` (documented in :mod:`osteosim.therapies.regimen`); unknown keys
are errors with a suggestion, and errors name the key (``regimen[0].dose: ...``).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from . import catalog as cat
from .catalog import THERAPIES
from .grammar import (Problem, RegimenError, build, dose_example, frequency_words, read_dose, read_site, read_time,
                      short, to_number, tokenize)
from .prescription import Prescription
from .words import DONOR_WORDS, FREQ_HELP

__all__ = ["MAPPING_KEYS", "parse_mapping"]

#: keys of the mapping form
MAPPING_KEYS = ("therapy", "dose", "route", "frequency", "every", "for", "starting_at", "at",
                "source", "donor", "donor_age", "site")


def parse_mapping(item: Mapping, label: str, index: int | None) -> Prescription:
    def fail(key: str, message: str, value: Any = None):
        raise RegimenError(f"{label}.{key}: {message}", index=index, word=None if value is None else str(value),
                           field=key)

    for k in item:
        if not isinstance(k, str) or k not in MAPPING_KEYS:
            close = cat.suggest(str(k), MAPPING_KEYS) if isinstance(k, str) else None
            hint = f"; did you mean {close!r}?" if close else f"; allowed: {', '.join(MAPPING_KEYS)}"
            raise RegimenError(f"{label}: unknown key {k!r}{hint}", index=index, word=str(k), field=str(k))
    if "therapy" not in item:
        fail("therapy", f"required key is missing (a therapy name: {', '.join(THERAPIES)})")
    name = item["therapy"]
    if not isinstance(name, str) or cat.resolve_therapy(name) is None:
        close = cat.suggest(str(name), cat.ALIASES) if isinstance(name, str) else None
        hint = f"; did you mean {cat.ALIASES[close]!r}?" if close else f"; known: {', '.join(THERAPIES)}"
        fail("therapy", f"unknown therapy {name!r}{hint}", name)
    therapy = THERAPIES[cat.resolve_therapy(name)]  # type: ignore[index]

    def text_of(key: str) -> str | None:
        v = item.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            fail(key, f"{short(v)} is not allowed (a string)", v)
        return str(v).strip()

    shown: dict[str, str] = {}
    # dose
    dose_text = text_of("dose")
    if dose_text is None:
        fail("dose", f"required key is missing (a dose such as {dose_example(therapy)!r})")
    toks = [t.text for t in tokenize(dose_text)]  # type: ignore[arg-type]
    try:
        if len(toks) == 1:
            dose = read_dose(therapy, toks[0], None, dose_text)  # type: ignore[arg-type]
        elif len(toks) == 2:
            dose = read_dose(therapy, toks[0], toks[1], dose_text)  # type: ignore[arg-type]
        else:
            raise Problem("dose", f"cannot read {dose_text!r} as a dose; expected a number and a unit such as "
                                  f"{dose_example(therapy)!r}")
    except Problem as p:
        fail("dose", p.message, dose_text)
    # route
    route = None
    rt = text_of("route")
    if rt is not None:
        shown["route"] = rt
        rl = " ".join(rt.lower().split())
        route = "into the gap" if rl == "into the gap" else cat.ROUTE_ALIASES.get(rl)
        if route is None:
            close = cat.suggest(rl, list(cat.ROUTE_ALIASES) + ["into the gap"])
            hint = f"; did you mean {close!r}?" if close else ""
            fail("route", f"unknown route {rt!r}{hint} (routes: {', '.join(cat.ROUTES)})", rt)
    # frequency
    interval, once = None, False
    ft, et = text_of("frequency"), text_of("every")
    if ft is not None and et is not None:
        fail("every", "give either 'frequency' or 'every', not both", et)
    if ft is not None:
        shown["frequency"] = ft
        fw = ft.split()
        try:
            r = frequency_words(fw, 0)
        except Problem as p:
            fail("frequency", p.message, ft)
        if r is None or r[1] != len(fw):
            fail("frequency", f"cannot read {ft!r} as a frequency; expected {FREQ_HELP}", ft)
        interval, _n = r  # type: ignore[misc]
        once = interval is None
    if et is not None:
        shown["frequency"] = f"every {et}"
        try:
            interval = read_time("frequency", et.split(), et, "an interval")
        except Problem as p:
            fail("every", p.message, et)
        if interval <= 0:
            fail("every", f"the interval {et!r} must be > 0", et)
    # times
    duration = None
    dt = text_of("for")
    if dt is not None:
        shown["for"] = f"for {dt}"
        try:
            duration = read_time("for", dt.split(), dt, "a duration")
        except Problem as p:
            fail("for", p.message, dt)
    st, at = text_of("starting_at"), text_of("at")
    if st is not None and at is not None:
        fail("at", "give either 'starting_at' or 'at', not both", at)
    start = None
    skey = "at" if at is not None else "starting_at"
    stext = at if at is not None else st
    if stext is not None:
        try:
            start = read_time("start", stext.split(), stext, "a start time")
        except Problem as p:
            fail(skey, p.message, stext)
    # MSC product
    source = donor = site = None
    donor_age = None
    s = text_of("source")
    if s is not None:
        shown["source"] = s
        source = cat.MSC_SOURCE_ALIASES.get(" ".join(s.lower().split()))
        if source is None:
            close = cat.suggest(s, cat.MSC_SOURCE_ALIASES)
            hint = f"; did you mean {close!r}?" if close else ""
            fail("source", f"unknown MSC source {s!r}{hint} (sources: {', '.join(cat.MSC_SOURCES)})", s)
    d = text_of("donor")
    if d is not None:
        shown["donor"] = d
        donor = DONOR_WORDS.get(d.lower())
        if donor is None:
            fail("donor", f"{d!r} is not allowed (autologous or allogeneic)", d)
    da = item.get("donor_age")
    if da is not None:
        shown["donor_age"] = f"donor age {da}"
        if isinstance(da, bool):
            fail("donor_age", f"{da!r} is not allowed (years, a number)", da)
        if isinstance(da, str):
            parts = da.split()
            v = to_number(parts[0]) if parts and (len(parts) == 1 or (len(parts) == 2 and parts[1].lower() in
                                                                    ("years", "year", "y", "yr", "yrs"))) else None
        elif isinstance(da, (int, float)) and math.isfinite(da):
            v = float(da)
        else:
            v = None
        if v is None:
            fail("donor_age", f"{short(da)} is not allowed (years, a number)", da)
        donor_age = v
    si = text_of("site")
    if si is not None:
        shown["site"] = si
        try:
            site = read_site(si)
        except Problem as p:
            fail("site", p.message, si)
    try:
        p = build(therapy, dose, route, interval, once, duration, start, source, donor, donor_age, site, shown)
    except Problem as prob:
        key = {"start": skey, "frequency": "every" if et is not None else "frequency"}.get(prob.field, prob.field)
        fail(key, prob.message, item.get(key))
    return replace(p, text=str(p))
