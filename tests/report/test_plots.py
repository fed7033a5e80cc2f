"""Plots and HTML report: what is drawn for classic and patient results, bands, missing columns."""
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from osteosim.physiology.patient import SITES, Patient
from osteosim.report.html import render_patients_report, trajectory_summary
from osteosim.physiology.who import who_category
from osteosim.report.plots import plot_comparison, plot_result, plot_timeseries
from osteosim.simulation import Result, Simulation

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class _FakeModel:
    name = "Osteosim"
    state_names = ()


def patient_frame(years=10.0, n=61, bands=False, drop=()):
    t = np.linspace(0.0, years, n)
    d = {"t_years": t, "age": 52.0 + t}
    for i, s in enumerate(SITES):
        d[f"bmd_{s}"] = (1.0 - 0.1 * i) * (1.0 - 0.01 * t)
        d[f"tscore_{s}"] = -0.8 - 0.15 * t - 0.2 * i
        if bands:
            for k in ("bmd", "tscore"):
                d[f"{k}_{s}_p05"] = d[f"{k}_{s}"] - 0.1
                d[f"{k}_{s}_p50"] = d[f"{k}_{s}"]
                d[f"{k}_{s}_p95"] = d[f"{k}_{s}"] + 0.1
    d["ctx"] = 100.0 * (1 + 0.3 * np.exp(-t))
    d["p1np"] = 100.0 * (1 + 0.2 * np.exp(-t))
    d["marrow_fat_fraction"] = 0.3 + 0.005 * t
    for s in SITES:
        d[f"oba_{s}"] = 1e-3 * (1 + 0.01 * t)
        d[f"oca_{s}"] = 1e-4 * (1 + 0.02 * t)
        d[f"rankl_{s}"] = 1 + 0.02 * t
    d["estrogen"] = np.exp(-t)
    d["pth"] = 1 + 0.01 * t
    df = pd.DataFrame(d)
    return df.drop(columns=[c for c in df.columns if any(c.startswith(p) for p in drop)])


def titles(fig: Figure) -> list[str]:
    return [ax.get_title() for ax in fig.axes if ax.get_visible()]


def panel(fig: Figure, prefix: str):
    for ax in fig.axes:
        if ax.get_visible() and ax.get_title().startswith(prefix):
            return ax
    raise AssertionError(f"no panel {prefix!r} in {titles(fig)}")


# ----------------------------------------------------------------------------
def test_who_category_boundaries():
    assert who_category(-1.0) == "normal"
    assert who_category(0.5) == "normal"
    assert who_category(-1.01) == "osteopenia"
    assert who_category(-2.49) == "osteopenia"
    assert who_category(-2.5) == "osteoporosis"
    assert who_category(float("nan")) == "unknown"


def test_classic_result_states_vs_days(tmp_path):
    res = Simulation(model="Komarova2003", years=0.2).solve()
    path = tmp_path / "k.png"
    fig = plot_result(res, path=path)
    # C, B, z; bone_mass_percent repeats z and shares its panel
    assert titles(fig) == ["C", "B", "z = bone_mass_percent"]
    assert fig.axes[0].get_xlabel() == "time (days)"
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind
    # Result.plot goes through the same function; columns pick panels
    fig = res.plot(["C"])
    assert titles(fig) == ["C"]


def test_patient_panels_and_who_bands():
    res = Result(_FakeModel(), patient_frame(), {}, Patient(age=52, menopause_age=53))
    fig = plot_result(res)
    t = titles(fig)
    for expected in ("Bone mineral density", "T-score", "Turnover markers", "Osteoblast lineage",
                     "Osteoclast lineage", "Marrow fat", "Hormones", "Local signals, lumbar spine"):
        assert any(x.startswith(expected) for x in t), (expected, t)
    ax = panel(fig, "T-score")
    spans = [p for p in ax.patches]
    assert len(spans) == 3  # normal, osteopenia, osteoporosis bands
    assert ax.get_xlabel() == "age (years)"
    # markers shown as % of baseline, starting at 100
    ax = panel(fig, "Turnover markers")
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(100.0)
    # marrow fat as percent
    ax = panel(fig, "Marrow fat")
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(30.0)
    # the menopause (age 53) is marked
    assert any(txt.get_text().strip() == "menopause" for txt in panel(fig, "Bone mineral density").texts)


def test_ensemble_columns_drawn_as_bands():
    df = patient_frame(bands=True)
    df = df.drop(columns=[f"bmd_{s}" for s in SITES])  # only the percentiles for BMD
    fig = plot_timeseries(df)
    ax = panel(fig, "Bone mineral density")
    assert len(ax.get_lines()) == len(SITES)  # one median line and one band per site
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == len(SITES)
    ax = panel(fig, "T-score")
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == len(SITES)


def test_missing_columns_are_skipped():
    df = patient_frame()[["t_years", "age", "bmd_total_hip"]]
    fig = plot_timeseries(df)
    assert titles(fig) == ["Bone mineral density: total hip"]
    df = patient_frame(drop=("ctx", "p1np", "marrow", "oba", "oca", "rankl", "estrogen", "pth"))
    assert titles(plot_timeseries(df)) == ["Bone mineral density", "T-score (WHO bands)"]


def test_columns_argument(tmp_path):
    df = patient_frame()
    fig = plot_timeseries(df, columns=["bmd_lumbar_spine", "ctx", "rankl_total_hip"])
    assert titles(fig) == ["Bone mineral density: lumbar spine", "Turnover markers: CTX", "Local signals: rankl (TH)"]
    with pytest.raises(ValueError, match="unknown column 'bmd_lumbar'; did you mean 'bmd_lumbar_spine'"):
        plot_timeseries(df, columns=["bmd_lumbar"])


def test_comparison_and_html(tmp_path):
    a = patient_frame()
    b = patient_frame().assign(age=lambda d: d.age - 7, tscore_lumbar_spine=lambda d: d.tscore_lumbar_spine - 2)
    path = tmp_path / "cmp.png"
    fig = plot_comparison({"A": a, "B <b>": b}, path=path, title="two")
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert any(t.startswith("T-score, lumbar spine") for t in titles(fig))
    ax = panel(fig, "T-score, lumbar spine")
    assert len(ax.get_lines()) >= 2

    s = trajectory_summary(b)
    ls = s["sites"]["lumbar_spine"]
    assert ls["tscore_start"] == pytest.approx(-2.8)
    assert ls["who_start"] == "osteoporosis"
    assert ls["bmd_pct_change"] == pytest.approx(-10.0)
    assert s["age_start"] == pytest.approx(45.0) and s["who_end"] == "osteoporosis"
    assert s["ctx_pct_change"] == pytest.approx((1 + 0.3 * np.exp(-10)) / 1.3 * 100 - 100)

    html = render_patients_report(
        [{"name": "B <b>", "description": "x & y", "summary": s, "plot": "b/plot.png", "patient": Patient(age=45)}],
        title="t", comparison_image="cmp.png",
    )
    assert "B &lt;b&gt;" in html and "<b>" not in html.replace("<br>", "")
    assert "x &amp; y" in html and "osteoporosis" in html and "cmp.png" in html


def test_dosing_times_are_marked():
    """Each regimen line is marked where its doses fall: ticks for 6-monthly, a bar for daily dosing."""
    res = Result(model=_FakeModel(), timeseries=patient_frame(years=4.0), patient=Patient(age=52.0),
                 summary={"regimen": ["denosumab 60 mg every 6 months for 2 years",
                                      "teriparatide 20 ug daily for 1 year starting at 2 years"]})
    ax = plot_result(res).axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    ticks = lines["denosumab doses"]
    np.testing.assert_allclose(ticks.get_xdata(), 52.0 + np.arange(4) * (365.25 / 2) / 365.25, rtol=1e-3)
    bar = lines["teriparatide (dosing)"].get_xdata()
    assert bar[0] == pytest.approx(54.0, abs=1e-6) and bar[1] == pytest.approx(55.0, abs=0.01)
    # without a regimen nothing is marked
    plain = Result(model=_FakeModel(), timeseries=patient_frame(years=4.0), patient=Patient(age=52.0), summary={})
    assert not [ln for ln in plot_result(plain).axes[0].get_lines() if "dos" in ln.get_label()]
