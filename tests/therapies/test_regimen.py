"""The regimen language (DESIGN section 5 contract; issue 4 item 1, issue 5 item 1): parsing, errors,
the mapping form, dose trains, the catalogue and the `osteosim therapies` command."""
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osteosim.therapies import THERAPIES, Prescription, Regimen, RegimenError, parse_regimen
from osteosim.therapies import catalog as cat
from osteosim.therapies.regimen import DAYS_PER_MONTH, DAYS_PER_YEAR, MAPPING_KEYS

Y, M = 365.25, 365.25 / 12


def one(text):
    return parse_regimen([text])[0]


# ----------------------------------------------------------------------------
# the examples of the contract and the briefs
EXAMPLES = [
    # text, therapy, dose, unit, route, interval, count, start, duration
    ("alendronate 70 mg weekly for 3 years", "alendronate", 70, "mg", "oral", 7, 157, 0, 3 * Y),
    ("alendronate 10 mg daily for 3 years", "alendronate", 10, "mg", "oral", 1, 1096, 0, 3 * Y),
    ("risedronate 5 mg daily for 3 years", "risedronate", 5, "mg", "oral", 1, 1096, 0, 3 * Y),
    ("zoledronic acid 5 mg yearly for 3 years", "zoledronic acid", 5, "mg", "iv", Y, 3, 0, 3 * Y),
    ("denosumab 60 mg every 6 months for 3 years", "denosumab", 60, "mg", "sc", 6 * M, 6, 0, 3 * Y),
    ("teriparatide 20 ug daily for 18 months starting at 1 year", "teriparatide", 20, "ug", "sc", 1, 548, Y, 18 * M),
    ("abaloparatide 80 ug daily for 18 months", "abaloparatide", 80, "ug", "sc", 1, 548, 0, 18 * M),
    ("romosozumab 210 mg monthly for 12 months", "romosozumab", 210, "mg", "sc", M, 12, 0, Y),
    ("estrogen 0.625 mg daily for 5 years", "estrogen", 0.625, "mg", "oral", 1, 1827, 0, 5 * Y),
    ("hormone therapy 0.625 mg daily for 5 years", "estrogen", 0.625, "mg", "oral", 1, 1827, 0, 5 * Y),
    ("hrt 0.625 mg daily", "estrogen", 0.625, "mg", "oral", 1, None, 0, None),
    ("CEE 0.625 mg daily", "estrogen", 0.625, "mg", "oral", 1, None, 0, None),
    ("calcium 1000 mg daily", "calcium", 1000, "mg", "oral", 1, None, 0, None),
    ("vitamin d 800 IU daily", "vitamin d", 800, "IU", "oral", 1, None, 0, None),
    ("vitamin D3 20 ug daily", "vitamin d", 800, "IU", "oral", 1, None, 0, None),
    ("zoledronate 5 mg once at 2 years", "zoledronic acid", 5, "mg", "iv", None, 1, 2 * Y, 0),
    ("msc umbilical-cord allogeneic 1e6 cells/kg iv every 6 months for 2 years", "msc", 1e6, "cells/kg", "iv",
     6 * M, 4, 0, 2 * Y),
    ("msc bone-marrow autologous 5e6 cells intraosseous once at 0 months site lumbar_spine", "msc", 5e6, "cells",
     "intraosseous", None, 1, 0, 0),
    ("msc bone-marrow allogeneic 1e6 cells into the gap at 1 week", "msc", 1e6, "cells", "into the gap", None, 1, 7, 0),
    ("msc adipose allogeneic donor age 30 1e7 cells/kg iv once at 3 years", "msc", 1e7, "cells/kg", "iv", None, 1,
     3 * Y, 0),
    ("msc bone-marrow 2e6 cells/kg iv once at 3 years", "msc", 2e6, "cells/kg", "iv", None, 1, 3 * Y, 0),  # DESIGN s.3
    ("raloxifene 60 mg daily for 3 years", "raloxifene", 60, "mg", "oral", 1, 1096, 0, 3 * Y),
    ("Evista 60 mg orally daily", "raloxifene", 60, "mg", "oral", 1, None, 0, None),
]


@pytest.mark.parametrize("text, therapy, dose, unit, route, interval, count, start, duration", EXAMPLES)
def test_examples_parse(text, therapy, dose, unit, route, interval, count, start, duration):
    p = one(text)
    assert isinstance(p, Prescription)
    assert (p.therapy, p.dose_unit, p.route, p.count) == (therapy, unit, route, count)
    assert p.dose == pytest.approx(dose, rel=1e-12)
    assert p.drug_class == THERAPIES[therapy].drug_class
    if interval is None:
        assert p.is_once and p.interval_days is None
    else:
        assert p.interval_days == pytest.approx(interval, rel=1e-15)
    assert p.start_days == pytest.approx(start)
    assert (p.duration_days is None) == (duration is None)
    if duration is not None:
        assert p.duration_days == pytest.approx(duration)
    assert p.text == text
    # canonical text and mapping round trip
    assert one(str(p)) == p
    assert parse_regimen([p.to_mapping()])[0] == p


def test_month_and_year_lengths():
    assert DAYS_PER_YEAR == 365.25 and DAYS_PER_MONTH == 365.25 / 12 == 30.4375
    assert one("romosozumab 210 mg monthly for 12 months").interval_days == 30.4375
    assert one("denosumab 60 mg every 6 months").interval_days == one("denosumab 60 mg twice yearly").interval_days


@pytest.mark.parametrize("phrase, days", [
    ("daily", 1), ("weekly", 7), ("monthly", M), ("yearly", Y), ("annually", Y), ("twice yearly", Y / 2),
    ("every 6 months", 6 * M), ("every 3 months", 3 * M), ("quarterly", 3 * M), ("every 2 weeks", 14),
    ("every 10 days", 10), ("every 2 years", 2 * Y), ("every year", Y), ("every other week", 14),
    ("once weekly", 7), ("once a week", 7), ("once every 6 months", 6 * M), ("twice daily", 0.5),
    ("twice a year", Y / 2), ("fortnightly", 14), ("every 1.5 years", 1.5 * Y), ("every 12 hours", 0.5),
])
def test_frequencies(phrase, days):
    p = one(f"calcium 500 mg {phrase}")
    assert p.interval_days == pytest.approx(days, rel=1e-15) and p.is_open_ended


def test_case_spacing_commas_and_glued_units():
    a = one("Denosumab  60mg EVERY 6 Months, for 3 years")
    assert a == one("denosumab 60 mg every 6 months for 3 years")
    assert a.text == "Denosumab 60mg EVERY 6 Months, for 3 years"
    assert one("calcium 1,000 mg daily").dose == 1000
    assert one("teriparatide 20 mcg daily for 18 months").dose == 20
    assert one("teriparatide 0.02 mg daily for 18 months").dose == pytest.approx(20)
    assert one("zoledronic acid 5 mg iv yearly for 3 years") == one("zoledronic acid 5 mg yearly for 3 years")
    # clauses in either order
    assert one("teriparatide 20 ug daily starting at 1 year for 18 months") == \
        one("teriparatide 20 ug daily for 18 months starting at 1 year")


def test_dose_counts_follow_the_trials():
    # HORIZON-PFT: infusions at months 0, 12, 24; FREEDOM: 6 injections in 36 months
    z = one("zoledronic acid 5 mg yearly for 3 years")
    assert z.dose_times() == [0.0, Y, 2 * Y]
    assert len(one("denosumab 60 mg every 6 months for 3 years").dose_times()) == 6
    assert one("denosumab 60 mg every 6 months for 6 months").count == 1
    assert one("denosumab 60 mg every 6 months for 7 months").count == 2


# ----------------------------------------------------------------------------
# dose trains
def test_dosing_blocks():
    from osteosim.therapies.dosing import DosingBlock

    t0 = 1000.0
    (b,) = one("denosumab 60 mg every 6 months for 3 years starting at 1 year").dosing_blocks(t0)
    assert b == DosingBlock(start=t0 + Y, interval=6 * M, count=6, amount=60.0, duration=0.0)
    (z,) = one("zoledronic acid 5 mg yearly for 3 years").dosing_blocks(0.0)
    assert z.duration == pytest.approx(15 / 1440) and z.count == 3 and z.amount == 5
    (o,) = one("alendronate 70 mg once at 1 week").dosing_blocks(5.0)
    assert (o.start, o.count, o.interval, o.duration) == (12.0, 1, 1.0, 0.0)
    (v,) = one("vitamin d 800 IU daily").dosing_blocks(0.0, horizon_days=10.0)
    assert v.count == 10 and v.amount == 800


def test_open_ended_needs_horizon_and_horizon_truncates():
    p = one("calcium 1000 mg daily starting at 1 year")
    assert p.is_open_ended and p.end_days is None
    with pytest.raises(ValueError, match="horizon"):
        p.dosing_blocks(0.0)
    (b,) = p.dosing_blocks(0.0, horizon_days=2 * Y)
    assert b.start == Y and b.count == math.ceil(Y)
    assert p.dosing_blocks(0.0, horizon_days=Y) == []  # starts at the horizon
    d = one("denosumab 60 mg every 6 months for 3 years")
    assert d.dosing_blocks(0.0, horizon_days=Y)[0].count == 2  # months 0 and 6 only
    assert d.dosing_blocks(0.0, horizon_days=10 * Y)[0].count == 6


def test_cells_per_kg_need_body_weight():
    p = one("msc umbilical-cord allogeneic 1e6 cells/kg iv once")
    with pytest.raises(ValueError, match="body weight"):
        p.dosing_blocks(0.0)
    (b,) = p.dosing_blocks(0.0, body_weight_kg=70.0)
    assert b.amount == 7e7 and p.amount_unit == "cells"
    (c,) = one("msc bone-marrow allogeneic 5e6 cells intraosseous once site total_hip").dosing_blocks(0.0)
    assert c.amount == 5e6 and c.duration == 0.0


# ----------------------------------------------------------------------------
# MSC products
def test_msc_product_fields_and_donor_rules():
    p = one("msc bone-marrow autologous 5e6 cells intraosseous once at 0 months site lumbar_spine")
    assert (p.source, p.donor, p.donor_age_years, p.site, p.is_msc) == ("bone-marrow", "autologous", None,
                                                                       "lumbar_spine", True)
    assert p.donor_age(68.0) == 68.0  # autologous: the patient's age
    q = one("msc adipose allogeneic donor age 30 1e7 cells/kg iv once at 3 years")
    assert q.donor_age_years == 30 and q.donor_age(68.0) == 30
    r = one("msc umbilical-cord 1e6 cells/kg iv once")  # allogeneic by default, newborn donor
    assert r.donor == "allogeneic" and r.donor_age(68.0) == 0.0
    assert one("msc bone marrow allogeneic 1e6 cells/kg iv once").source == "bone-marrow"
    assert one("mesenchymal stem cells uc 1e6 cells/kg intravenous once").source == "umbilical-cord"
    assert one("msc bone-marrow allogeneic 1e6 cells into the gap at 1 week").start_days == 7.0
    assert one("denosumab 60 mg every 6 months").donor_age(70) is None


# ----------------------------------------------------------------------------
# errors: one line, naming the entry, the text, the word and what was expected
def test_error_message_format_of_the_brief():
    with pytest.raises(RegimenError) as e:
        parse_regimen(["alendronate 70 mg weekly for 3 years", "denosumab 60 mgs every 6 months"])
    assert str(e.value) == ("regimen[1]: 'denosumab 60 mgs every 6 months': cannot read '60 mgs' as a dose; "
                            "expected a number and a unit such as '60 mg'")
    assert (e.value.word, e.value.position, e.value.index) == ("60 mgs", 10, 1)
    assert isinstance(e.value, ValueError)


BAD = [
    # text, word, fragment of the message
    ("frobnicate 5 mg daily", "frobnicate", "unknown therapy 'frobnicate'; known: alendronate"),
    ("denosumap 60 mg every 6 months", "denosumap", "did you mean 'denosumab'?"),
    ("vitamin k 10 ug daily", "vitamin k", "did you mean 'vitamin d'?"),
    ("denosumab 5e6 cells every 6 months", "5e6 cells", "dosed in mg (a mass)"),
    ("msc bone-marrow allogeneic 5 mg iv once", "5 mg", "dosed in cells/kg"),
    ("denosumab -60 mg every 6 months", "-60 mg", "must be > 0"),
    ("denosumab 0 mg every 6 months", "0 mg", "must be > 0"),
    ("denosumab 6000 mg every 6 months", "6000 mg", "outside the plausible range 6..600 mg"),
    ("teriparatide 20 mg daily", "20 mg", "outside the plausible range 2..200 ug"),
    ("denosumab 60 every 6 months", "60", "has no unit"),
    ("denosumab sixty mg every 6 months", "sixty", "cannot read 'sixty' as a dose"),
    ("denosumab 60 mg every 6 months for 3 months", "for 3 months", "shorter than one interval"),
    ("denosumab 60 mg every 0 months", "every 0 months", "must be > 0"),
    ("calcium 1000 mg every 2 hours", "every 2 hours", "shortest allowed interval"),
    ("calcium 1000 mg", "", "expected a frequency"),
    ("calcium 1000 mg for 3 years", "for", "cannot read 'for' as a frequency"),
    ("calcium 1000 mg daly", "daly", "did you mean 'daily'?"),
    ("alendronate 70 mg once for 3 years", "for 3 years", "takes no 'for 3 years'"),
    ("alendronate 70 mg iv weekly", "iv", "cannot be given by route 'iv'"),
    ("teriparatide 20 ug daily for 18 monts", "18 monts", "did you mean 'months'?"),
    ("teriparatide 20 ug daily for 18 months starting at -1 year", "-1 year", "must be >= 0"),
    ("teriparatide 20 ug daily for 200 years", "200 years", "100 years"),
    ("denosumab 60 mg every 6 months for 3 years for 2 years", "for", "given twice"),
    ("denosumab 60 mg every 6 months until 3 years", "until", "expected 'for <duration>'"),
    ("msc 1e6 cells iv once", "msc", "needs a source"),
    ("msc bone-marow allogeneic 1e6 cells iv once", "bone-marow", "did you mean 'bone-marrow'?"),
    ("msc bone-marrow allogeneic 1e6 cells once", "once", "as a route"),
    ("msc bone-marrow allogeneic 1e6 cells", "", "expected a route"),
    ("msc bone-marrow autologous 5e6 cells intraosseous once", "intraosseous", "add 'site <site>'"),
    ("msc bone-marrow allogeneic 5e6 cells iv once site total_hip", "site total_hip", "only with intraosseous"),
    ("msc bone-marrow allogeneic 5e6 cells into the gap at 1 week site total_hip", "site total_hip", "fracture"),
    ("msc bone-marrow allogeneic 5e6 cells intraosseous once site lumbar_spin", "lumbar_spin",
     "did you mean 'lumbar_spine'?"),
    ("msc bone-marrow autologous donor age 30 5e6 cells iv once", "donor age 30", "autologous cells take the patient"),
    ("msc umbilical-cord autologous 1e6 cells iv once", "autologous", "umbilical-cord MSCs are allogeneic"),
    ("msc adipose allogeneic donor age 300 1e6 cells iv once", "donor age 300", "outside 0..100"),
    ("msc adipose allogeneic 1e12 cells iv once", "1e12 cells", "plausible range"),
    ("alendronate 70 mg weekly site total_hip", "site total_hip", "for MSC products only"),
    ("", "", "empty regimen entry"),
]


@pytest.mark.parametrize("text, word, fragment", BAD)
def test_errors_point_at_the_word(text, word, fragment):
    with pytest.raises(RegimenError) as e:
        parse_regimen([text])
    msg = str(e.value)
    assert msg.startswith(f"regimen[0]: {text!r}: "), msg
    assert fragment in msg, msg
    assert e.value.word == word, msg
    assert text[e.value.position:e.value.position + len(word)] == word
    assert "\n" not in msg


def test_items_that_are_not_strings_or_mappings():
    with pytest.raises(RegimenError, match=r"regimen\[0\]: 3 is not allowed"):
        parse_regimen([3])
    assert len(parse_regimen([])) == 0 and len(parse_regimen(None)) == 0 and not parse_regimen([])


# ----------------------------------------------------------------------------
# the mapping form
def test_mapping_form_equals_string_form():
    m = {"therapy": "denosumab", "dose": "60 mg", "every": "6 months", "for": "3 years", "starting_at": "0 months"}
    assert parse_regimen([m])[0] == one("denosumab 60 mg every 6 months for 3 years")
    assert parse_regimen([{"therapy": "alendronate", "dose": "70 mg", "frequency": "weekly", "for": "3 years"}])[0] \
        == one("alendronate 70 mg weekly for 3 years")
    msc = {"therapy": "msc", "source": "bone-marrow", "donor": "autologous", "dose": "5e6 cells",
           "route": "intraosseous", "frequency": "once", "at": "0 months", "site": "lumbar_spine"}
    assert parse_regimen([msc])[0] == one(EXAMPLES[17][0])
    gap = {"therapy": "msc", "source": "bone-marrow", "dose": "1e6 cells", "route": "into the gap", "at": "1 week"}
    assert parse_regimen([gap])[0] == one("msc bone-marrow allogeneic 1e6 cells into the gap at 1 week")
    assert parse_regimen([{"therapy": "msc", "source": "adipose", "donor_age": 30, "dose": "1e7 cells/kg",
                           "route": "iv", "frequency": "once", "at": "3 years"}])[0] == one(EXAMPLES[19][0])
    p = parse_regimen([m])[0]
    assert p.text == str(p)


@pytest.mark.parametrize("mapping, start", [
    ({"therapy": "denosumab", "dose": "60 mg", "evry": "6 months"}, "regimen[0]: unknown key 'evry'; did you mean 'every'?"),
    ({"therapy": "denosumab", "dose": "60 mg", "zzz": 1}, "regimen[0]: unknown key 'zzz'; allowed: therapy"),
    ({"dose": "60 mg", "every": "6 months"}, "regimen[0].therapy: required key is missing"),
    ({"therapy": "denosumap", "dose": "60 mg", "every": "6 months"}, "regimen[0].therapy: unknown therapy 'denosumap'; did you mean 'denosumab'?"),
    ({"therapy": "denosumab", "every": "6 months"}, "regimen[0].dose: required key is missing"),
    ({"therapy": "denosumab", "dose": 60, "every": "6 months"}, "regimen[0].dose: cannot read '60' as a dose: it has no unit"),
    ({"therapy": "denosumab", "dose": "60 mgs", "every": "6 months"}, "regimen[0].dose: cannot read '60 mgs'"),
    ({"therapy": "denosumab", "dose": "60 mg", "every": "6 months", "frequency": "daily"}, "regimen[0].every: give either"),
    ({"therapy": "denosumab", "dose": "60 mg", "frequency": "every 6 monthz"}, "regimen[0].frequency: cannot read"),
    ({"therapy": "denosumab", "dose": "60 mg", "frequency": "daily weekly"}, "regimen[0].frequency: cannot read"),
    ({"therapy": "denosumab", "dose": "60 mg"}, "regimen[0].frequency: expected a frequency"),
    ({"therapy": "denosumab", "dose": "60 mg", "every": "6 months", "for": "3 months"}, "regimen[0].for: 'for 3 months' is shorter"),
    ({"therapy": "denosumab", "dose": "60 mg", "every": "0 months"}, "regimen[0].every: the interval"),
    ({"therapy": "denosumab", "dose": "60 mg", "every": "6 months", "at": "1 year", "starting_at": "1 year"}, "regimen[0].at: give either"),
    ({"therapy": "denosumab", "dose": "60 mg", "every": "6 months", "route": "oral"}, "regimen[0].route: denosumab cannot be given"),
    ({"therapy": "denosumab", "dose": "60 mg", "every": "6 months", "route": "nasal"}, "regimen[0].route: unknown route 'nasal'"),
    ({"therapy": "msc", "dose": "5e6 cells", "route": "intraosseous", "frequency": "once", "source": "bone-marrow"}, "regimen[0].site:"),
    ({"therapy": "msc", "dose": "5e6 cells", "route": "iv", "frequency": "once", "source": "bone-marow"}, "regimen[0].source: unknown MSC source 'bone-marow'; did you mean 'bone-marrow'?"),
    ({"therapy": "msc", "dose": "5e6 cells", "route": "iv", "frequency": "once", "source": "adipose", "donor": "self"}, "regimen[0].donor:"),
    ({"therapy": "msc", "dose": "5e6 cells", "route": "iv", "frequency": "once", "source": "adipose", "donor": "autologous", "donor_age": 40}, "regimen[0].donor_age: autologous cells"),
    ({"therapy": "msc", "dose": "5e6 cells", "route": "iv", "frequency": "once", "source": "adipose", "donor_age": "old"}, "regimen[0].donor_age:"),
    ({"therapy": "denosumab", "dose": ["60 mg"], "every": "6 months"}, "regimen[0].dose: ['60 mg'] is not allowed"),
])
def test_mapping_errors(mapping, start):
    with pytest.raises(RegimenError) as e:
        parse_regimen([mapping])
    assert str(e.value).startswith(start), str(e.value)


def test_mapping_keys_documented():
    from osteosim.therapies import regimen

    for k in MAPPING_KEYS:
        assert f"``{k}``" in regimen.__doc__


# ----------------------------------------------------------------------------
# Regimen
def test_regimen_api():
    texts = ["romosozumab 210 mg monthly for 12 months",
             "denosumab 60 mg every 6 months for 1 year starting at 1 year",
             "calcium 1000 mg daily", "denosumab 60 mg every 6 months for 1 year starting at 3 years"]
    reg = parse_regimen(texts)
    assert reg.therapies() == ["romosozumab", "denosumab", "calcium"]
    assert reg.drug_classes() == ["anti_sclerostin", "anti_rankl", "supplement"]
    assert len(reg.for_therapy("Prolia")) == 2 and reg.for_therapy("teriparatide") == []
    with pytest.raises(ValueError, match="did you mean 'denosumab'"):
        reg.for_therapy("denosumap")
    blocks = reg.blocks("denosumab", 100.0)
    assert [b.start for b in blocks] == [100.0 + Y, 100.0 + 3 * Y] and all(b.count == 2 for b in blocks)
    assert str(reg) == "; ".join(texts)
    assert reg.end_days == math.inf and not reg.has_msc
    finite = Regimen(texts[:2])
    assert finite.end_days == 2 * Y and Regimen([]).end_days == 0.0
    assert Regimen(reg) == reg and Regimen(list(reg)) == reg and Regimen(texts[0]) == Regimen([texts[0]])
    assert hash(Regimen(texts)) == hash(reg)
    assert parse_regimen(reg.to_list()) == reg
    assert parse_regimen(["msc adipose 1e6 cells/kg iv once"]).has_msc


def test_scenario_uses_the_parser():
    from osteosim.scenario import ScenarioError
    from osteosim.scenario import parse_regimen as scenario_regimen

    reg = scenario_regimen(["denosumab 60 mg every 6 months for 3 years"])
    assert isinstance(reg, Regimen) and reg.therapies() == ["denosumab"]
    assert scenario_regimen([]) is None
    with pytest.raises(ScenarioError) as e:
        scenario_regimen(["denosumab 60 mg every 6 months", "frobnicate 5 mg daily"])
    assert str(e.value).startswith("regimen[1]: 'frobnicate 5 mg daily': unknown therapy 'frobnicate'")
    with pytest.raises(ScenarioError) as e:
        scenario_regimen([{"therapy": "denosumab", "dose": "60 mg", "evry": "6 months"}])
    assert str(e.value) == "regimen[0]: unknown key 'evry'; did you mean 'every'?"


# ----------------------------------------------------------------------------
# the catalogue
@pytest.mark.parametrize("name", list(THERAPIES))
def test_catalogue_entries(name):
    t = THERAPIES[name]
    assert t.references and t.routes and t.dose_units and t.schedules
    assert t.drug_class in cat.DRUG_CLASSES and set(t.routes) <= set(cat.ROUTES)
    for u in t.dose_units:
        lo, hi = t.dose_range(u)
        assert 0 < lo < hi and all(lo <= d <= hi for d in t.typical_doses[u])
    for s in t.schedules:  # every typical schedule is a valid regimen string
        p = one(s)
        assert p.therapy == name and one(str(p)) == p
    assert cat.get_therapy(name.upper()) is t
    assert json.dumps(t.to_dict())


def test_catalogue_aliases():
    assert cat.resolve_therapy("Zoledronic  Acid") == cat.resolve_therapy("zoledronate") == "zoledronic acid"
    for a in ("hrt", "hormone therapy", "cee"):
        assert cat.resolve_therapy(a) == "estrogen"
    assert cat.resolve_therapy("nonsense") is None
    with pytest.raises(ValueError, match="did you mean 'romosozumab'"):
        cat.get_therapy("romosuzumab")


def test_therapies_command():
    from typer.testing import CliRunner

    from osteosim.cli.app import app

    res = CliRunner().invoke(app, ["therapies"])
    assert res.exit_code == 0, res.output
    for name in THERAPIES:
        assert name in res.output
    for word in ("FREEDOM", "HORIZON-PFT", "intraosseous", "into the gap", "cells/kg", "365.25/12"):
        assert word in res.output
    res = CliRunner().invoke(app, ["therapies", "--json"])
    data = json.loads(res.output)
    assert [t["name"] for t in data["therapies"]] == list(THERAPIES)
    assert data["therapies"][3]["dose_range"] == {"mg": [6.0, 600.0]}


# ----------------------------------------------------------------------------
# properties (hypothesis)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VOCAB = (["alendronate", "denosumab", "zoledronic", "acid", "msc", "bone-marrow", "umbilical-cord", "adipose",
          "autologous", "allogeneic", "donor", "age", "30", "60", "-1", "0", "1e6", "5e6", "1e999", "0.625", "60mg",
          "mg", "ug", "IU", "cells", "cells/kg", "kg", "m", "iv", "sc", "oral", "intraosseous", "into", "the", "gap",
          "daily", "weekly", "monthly", "yearly", "twice", "once", "every", "other", "6", "months", "years", "days",
          "hours", "for", "starting", "at", "site", "lumbar_spine", "total_hip", "a", "per", ",", "nan", "inf", "é",
          "mg/kg", "**", "(", "1,000"])


def _check_error(text, exc):
    assert isinstance(exc, RegimenError)
    msg = str(exc)
    assert msg.startswith("regimen[0]")
    assert exc.word is not None and exc.position is not None
    assert text[exc.position:exc.position + len(exc.word)] == exc.word


@FAST
@given(st.text(max_size=80))
def test_parser_never_crashes_on_any_text(text):
    try:
        p = parse_regimen([text])[0]
    except RegimenError as exc:
        _check_error(text, exc)
    else:
        assert one(str(p)) == p


@FAST
@given(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=14), st.sampled_from([" ", "  ", "\t"]))
def test_parser_never_crashes_on_grammar_words(words, sep):
    text = sep.join(words)
    try:
        p = parse_regimen([text])[0]
    except RegimenError as exc:
        _check_error(text, exc)
    else:
        assert one(str(p)) == p and parse_regimen([p.to_mapping()])[0] == p


@FAST
@given(st.dictionaries(st.sampled_from(list(MAPPING_KEYS) + ["bogus"]),
                       st.one_of(st.sampled_from(VOCAB + ["60 mg", "6 months", "3 years", "once", "daily"]),
                                 st.integers(-5, 100), st.none(), st.booleans(), st.floats())))
def test_mapping_parser_never_crashes(mapping):
    try:
        p = parse_regimen([mapping])[0]
    except RegimenError as exc:
        assert str(exc).startswith("regimen[0]")
    else:
        assert one(str(p)) == p


FREQS = ["daily", "weekly", "monthly", "yearly", "annually", "twice yearly", "quarterly", "twice daily",
         "once weekly", "every 2 weeks", "every 6 months", "every 10 days", "every 1.5 months", "every 3 months"]
DRUGS = [t for t in THERAPIES.values() if not t.is_msc]


@st.composite
def drug_strings(draw):
    t = draw(st.sampled_from(DRUGS))
    unit = t.dose_units[0]
    lo, hi = t.dose_range(unit)
    dose = draw(st.floats(lo, hi))
    name = draw(st.sampled_from((t.name, *t.aliases)))
    words = [name, repr(dose), unit]
    if draw(st.booleans()):
        words.append("once")
        if draw(st.booleans()):
            words += ["at", f"{draw(st.integers(0, 120))} months"]
        return " ".join(words), dose, None
    words.append(draw(st.sampled_from(FREQS)))
    if draw(st.booleans()):
        words += ["for", f"{draw(st.floats(1, 20)):.3f} years"]
    if draw(st.booleans()):
        words += ["starting at", f"{draw(st.integers(0, 520))} weeks"]
    return " ".join(words), dose, t.name


@FAST
@given(drug_strings())
def test_valid_drug_strings_round_trip(case):
    text, dose, _ = case
    p = one(text)
    assert p.dose == pytest.approx(dose, rel=1e-12)
    assert one(str(p)) == p
    assert parse_regimen([p.to_mapping()])[0] == p
    if not p.is_open_ended:
        (b,) = p.dosing_blocks(0.0)
        assert b.count == p.count and b.count * (p.interval_days or 1) >= (p.duration_days or 0) - 1e-9


@st.composite
def msc_strings(draw):
    source = draw(st.sampled_from(["bone-marrow", "adipose", "umbilical-cord", "bone marrow", "uc"]))
    canonical = cat.MSC_SOURCE_ALIASES[source]
    donor = draw(st.sampled_from(["allogeneic", ""] + ([] if canonical == "umbilical-cord" else ["autologous"])))
    words = ["msc", source] + ([donor] if donor else [])
    if donor != "autologous" and canonical != "umbilical-cord" and draw(st.booleans()):
        words += ["donor age", str(draw(st.integers(18, 80)))]
    unit = draw(st.sampled_from(["cells", "cells/kg"]))
    mant, exp = draw(st.integers(1, 9)), draw(st.integers(5, 7) if unit == "cells/kg" else st.integers(4, 9))
    words.append(f"{mant}e{exp} {unit}")
    route = draw(st.sampled_from(["iv", "intraosseous", "into the gap"]))
    words.append(route)
    if route == "into the gap":
        words += ["at", f"{draw(st.integers(0, 8))} weeks"]
    elif draw(st.booleans()):
        words += ["once", "at", f"{draw(st.integers(0, 10))} years"]
    else:
        words += [draw(st.sampled_from(["every 6 months", "yearly", "every 3 months"])), "for", "2 years"]
    if route == "intraosseous":
        words += ["site", draw(st.sampled_from(cat.SITES))]
    return " ".join(words)


@FAST
@given(msc_strings())
def test_valid_msc_strings_round_trip(text):
    p = one(text)
    assert p.is_msc and p.source in cat.MSC_SOURCES and p.donor in cat.MSC_DONORS
    assert one(str(p)) == p and parse_regimen([p.to_mapping()])[0] == p
    assert (p.site is not None) == (p.route == "intraosseous")
    blocks = p.dosing_blocks(0.0, body_weight_kg=65.0)
    assert blocks[0].amount == pytest.approx(p.dose * (65.0 if p.dose_unit == "cells/kg" else 1.0))
