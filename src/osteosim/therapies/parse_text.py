"""The string form of the regimen language: ``<therapy> <dose> <unit> [<route>] <frequency> ...`` -> Prescription.

Errors point at the offending words (``RegimenError.word`` / ``.position``).  The grammar is
in :mod:`osteosim.therapies.regimen`'s docstring; therapy words come from the catalogue.
"""
from __future__ import annotations

from dataclasses import replace

from . import catalog as cat
from .catalog import THERAPIES, Therapy
from .grammar import (Problem, RegimenError, build, dose_example, example_entry, frequency_words, frequency_words_safe,
                      is_number, read_dose, read_site, read_time, to_number, tokenize)
from .prescription import Prescription
from .words import DONOR_WORDS, FREQ_HELP, GAP, GLUED, PERIOD_ADVERBS

__all__ = ["parse_string"]


class StringParser:
    def __init__(self, text: str, label: str, index: int | None):
        self.text = text
        self.label = label
        self.index = index
        self.toks = tokenize(text)
        self.i = 0
        self.spans: dict[str, tuple[int, int]] = {}  # field -> token range [a, b)
        self.shown: dict[str, str] = {}

    # errors
    def fail(self, a: int, b: int, message: str, field: str | None = None):
        if a >= len(self.toks):  # the text ended
            word, pos = "", len(self.text.rstrip())
        else:
            b = max(b, a + 1)
            s, e = self.toks[a].start, self.toks[min(b, len(self.toks)) - 1].end
            word, pos = self.text[s:e], s
        raise RegimenError(f"{self.label}: {self.text!r}: {message}", index=self.index, text=self.text, word=word,
                           position=pos, field=field)

    def words(self, a: int, b: int) -> str:
        if a >= len(self.toks):
            return ""
        b = min(max(b, a + 1), len(self.toks))
        return self.text[self.toks[a].start:self.toks[b - 1].end]

    def low(self, k: int) -> str:
        return self.toks[k].low if k < len(self.toks) else ""

    def ended(self, expected: str):
        last = self.words(len(self.toks) - 1, len(self.toks)) if self.toks else ""
        self.fail(len(self.toks), len(self.toks), f"the entry ends after {last!r}; expected {expected}")

    def mark(self, field: str, a: int, b: int) -> None:
        self.spans[field] = (a, b)
        self.shown[field] = self.words(a, b)

    # grammar
    def parse(self) -> Prescription:
        if not self.toks:
            self.fail(0, 0, f"empty regimen entry; expected a prescription such as {example_entry()}")
        therapy = self.therapy()
        source = donor = None
        donor_age = None
        if therapy.is_msc:
            source, donor, donor_age = self.msc_product()
        dose = self.dose(therapy)
        route = self.route(therapy)
        interval, once = self.frequency()
        duration = start = None
        site = None
        while self.i < len(self.toks):
            w = self.low(self.i)
            a = self.i
            if w == "for":
                if "for" in self.spans:
                    self.fail(a, a + 1, "'for' is given twice")
                duration = self.time("for", a, 1, "a duration")
            elif w in ("starting", "at", "from"):
                skip = 2 if (w == "starting" and self.low(a + 1) in ("at", "from")) else 1
                if "start" in self.spans:
                    self.fail(a, a + skip, "the start time is given twice")
                start = self.time("start", a, skip, "a start time")
            elif w == "site":
                if "site" in self.spans:
                    self.fail(a, a + 1, "'site' is given twice")
                if self.i + 1 >= len(self.toks):
                    self.ended(f"a site after 'site' ({', '.join(cat.SITES)})")
                try:
                    site = read_site(self.toks[a + 1].text)
                except Problem as p:
                    self.fail(a + 1, a + 2, p.message, "site")
                self.mark("site", a, a + 2)
                self.i = a + 2
            else:
                tail = ", 'site <site>'" if therapy.is_msc else ""
                extra = ""
                if frequency_words_safe([t.text for t in self.toks], a) is not None:
                    extra = " (the frequency is already given)"
                self.fail(a, a + 1, f"cannot read {self.toks[a].text!r}{extra}; expected 'for <duration>', "
                                    f"'starting at <time>'{tail} or the end of the entry")
        try:
            return build(therapy, dose, route, interval, once, duration, start, source, donor, donor_age, site,
                          self.shown)
        except Problem as p:
            self.fail_field(p)
        raise AssertionError  # pragma: no cover

    def fail_field(self, p: Problem):
        span = self.spans.get(p.field)
        if span is None:  # a missing part: point at the word it belongs to
            fallback = {"source": "therapy", "site": "route", "donor": "source"}.get(p.field)
            span = self.spans.get(fallback) if fallback else None
        if span is None:
            span = (len(self.toks), len(self.toks))
        self.fail(span[0], span[1], p.message, p.field)

    def therapy(self) -> Therapy:
        toks = self.toks
        for n in range(min(cat.max_alias_words(), len(toks)), 0, -1):
            phrase = " ".join(t.low for t in toks[:n])
            if phrase in cat.ALIASES:
                self.mark("therapy", 0, n)
                self.i = n
                return THERAPIES[cat.ALIASES[phrase]]
        # unknown: the words before the first number (at most 3)
        n = 1
        while n < min(3, len(toks)) and not is_number(toks[n].text) and GLUED.fullmatch(toks[n].text) is None:
            n += 1
        candidates = [" ".join(t.low for t in toks[:k]) for k in range(n, 0, -1)]
        close = None
        for c in candidates:
            close = cat.suggest(c, cat.ALIASES, cutoff=0.75)
            if close:
                break
        shown = self.words(0, 1)
        if close:
            k = len(close.split())
            shown = self.words(0, min(k, n))
            hint = f"; did you mean {cat.ALIASES[close]!r}?"
            self.fail(0, min(k, n), f"unknown therapy {shown!r}{hint}", "therapy")
        first = self.low(0)
        cell = next((t.name for t in THERAPIES.values() if t.is_msc), None)
        if cell is not None and (first in cat.MSC_SOURCE_ALIASES or first in DONOR_WORDS):
            self.fail(0, 1, f"unknown therapy {shown!r}; MSC products start with {cell!r}, e.g. '{cell} {first} ...'",
                      "therapy")
        self.fail(0, 1, f"unknown therapy {shown!r}; known: {', '.join(THERAPIES)}", "therapy")
        raise AssertionError  # pragma: no cover

    def msc_product(self) -> tuple[str | None, str | None, float | None]:
        source = donor = None
        donor_age = None
        toks = self.toks
        while self.i < len(toks):
            a = self.i
            w = self.low(a)
            if is_number(toks[a].text):
                break
            two = f"{w} {self.low(a + 1)}"
            if two in cat.MSC_SOURCE_ALIASES or w in cat.MSC_SOURCE_ALIASES:
                n = 2 if two in cat.MSC_SOURCE_ALIASES else 1
                if source is not None:
                    self.fail(a, a + n, "the MSC source is given twice")
                source = cat.MSC_SOURCE_ALIASES[two if n == 2 else w]
                self.mark("source", a, a + n)
                self.i = a + n
            elif w in DONOR_WORDS:
                if donor is not None:
                    self.fail(a, a + 1, "autologous/allogeneic is given twice")
                donor = DONOR_WORDS[w]
                self.mark("donor", a, a + 1)
                self.i = a + 1
            elif w == "donor" and self.low(a + 1) == "age":
                if donor_age is not None:
                    self.fail(a, a + 2, "'donor age' is given twice")
                if a + 2 >= len(toks):
                    self.ended("a donor age in years after 'donor age', such as 'donor age 30'")
                v = to_number(toks[a + 2].text)
                if v is None:
                    self.fail(a + 2, a + 3, f"cannot read {toks[a + 2].text!r} as a donor age; expected years, "
                                            "such as 'donor age 30'", "donor_age")
                b = a + 3
                if self.low(b) in ("years", "year", "y", "yr", "yrs", "years-old", "yo"):
                    b += 1
                donor_age = v
                self.mark("donor_age", a, b)
                self.i = b
            else:
                choices = list(cat.MSC_SOURCE_ALIASES) + list(DONOR_WORDS) + ["donor"]
                close = cat.suggest(w, choices)
                hint = f"; did you mean {close!r}?" if close else ""
                self.fail(a, a + 1, f"cannot read {toks[a].text!r}: expected an MSC source (bone-marrow, "
                                    "adipose, umbilical-cord), autologous|allogeneic, 'donor age <years>' or a dose "
                                    f"such as '1e6 cells/kg'{hint}", "source")
        return source, donor, donor_age

    def dose(self, therapy: Therapy) -> tuple[float, str]:
        a = self.i
        example = dose_example(therapy)
        if a >= len(self.toks):
            self.ended(f"a dose such as {example!r}")
        number = self.toks[a].text
        if not is_number(number):
            self.fail(a, a + 1, f"cannot read {number!r} as a dose; expected a number and a unit such as "
                                f"{example!r}", "dose")
        unit = self.toks[a + 1].text if a + 1 < len(self.toks) else None
        if unit is not None and (is_number(unit) or frequency_words_safe([t.text for t in self.toks], a + 1)
                                 is not None or unit.lower() in ("for", "at", "starting")):
            unit = None
        b = a + (2 if unit is not None else 1)
        self.mark("dose", a, b)
        try:
            value = read_dose(therapy, number, unit, self.words(a, b))
        except Problem as p:
            self.fail(a, b, p.message, "dose")
        self.i = b
        return value

    def route(self, therapy: Therapy) -> str | None:
        a = self.i
        if tuple(self.low(a + k) for k in range(3)) == GAP:
            self.mark("route", a, a + 3)
            self.i = a + 3
            return "into the gap"
        w = self.low(a)
        if w in cat.ROUTE_ALIASES:
            self.mark("route", a, a + 1)
            self.i = a + 1
            return cat.ROUTE_ALIASES[w]
        if therapy.is_msc:
            if a >= len(self.toks):
                self.ended("a route: iv, intraosseous or into the gap")
            close = cat.suggest(w, list(cat.ROUTE_ALIASES) + ["into the gap"])
            hint = f"; did you mean {close!r}?" if close else ""
            self.fail(a, a + 1, f"cannot read {self.toks[a].text!r} as a route{hint}; expected iv, intraosseous "
                                "or into the gap", "route")
        return None

    def frequency(self) -> tuple[float | None, bool]:
        a = self.i
        if a >= len(self.toks):
            self.ended(f"a frequency: {FREQ_HELP}")
        texts = [t.text for t in self.toks]
        try:
            r = frequency_words(texts, a)
        except Problem as p:
            self.fail(a, min(a + 3, len(self.toks)), p.message, "frequency")
        if r is None:
            if self.low(a) in ("at", "starting"):
                return None, False  # a time without a frequency: once (checked in build)
            close = cat.suggest(self.low(a), list(PERIOD_ADVERBS) + ["once", "every", "twice"])
            hint = f"; did you mean {close!r}?" if close else ""
            self.fail(a, a + 1, f"cannot read {self.toks[a].text!r} as a frequency{hint}; expected {FREQ_HELP}",
                      "frequency")
        interval, n = r
        self.mark("frequency", a, a + n)
        self.i = a + n
        return interval, interval is None

    def time(self, field: str, a: int, skip: int, what: str) -> float:
        b = a + skip
        keyword = self.words(a, b)
        if b >= len(self.toks):
            self.ended(f"{what} after {keyword!r}, such as '18 months'")
        words = [self.toks[b].text]
        if b + 1 < len(self.toks):
            words.append(self.toks[b + 1].text)
        shown = " ".join(words)
        try:
            days = read_time(field, words, shown, what)
        except Problem as p:
            self.fail(b, b + len(words), p.message, field)
        self.mark(field, a, b + 2)
        self.i = b + 2
        return days


def parse_string(text: str, label: str, index: int | None) -> Prescription:
    p = StringParser(text, label, index).parse()
    return replace(p, text=" ".join(text.split()))

