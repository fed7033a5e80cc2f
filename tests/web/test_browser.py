"""Browser tests: Playwright drives headless chromium against a real ``osteosim serve``."""
from __future__ import annotations

import shutil

import httpx
from conftest import DOC_SHOTS, WRITE_DOC_SHOTS


def _shot(page, folder, name: str, full_page: bool = True) -> None:
    """Save a screenshot in this run's folder; with OSTEOSIM_DOC_SCREENSHOTS=1 refresh docs/screenshots/ too."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000
    if WRITE_DOC_SHOTS:
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_SHOTS / f"{name}.png")


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)


def test_simulate_two_regimens_and_see_the_bmd_plot(server, page, shots):
    _open(page, server + "/")
    # the form: every risk factor is on the page
    for field in ("species", "sex", "age", "years", "menopause_age", "ovariectomy_age", "bmi", "physical_activity",
                  "calcium_mg_per_day", "vitamin_d_ng_per_ml", "family_history", "smoker", "glucocorticoids",
                  "prior_fracture", "baseline-kind-lumbar_spine"):
        assert page.locator(f"#{field}").count() == 1, field
    page.fill("#age", "66")
    page.select_option("#physical_activity", "sedentary")
    page.check("#smoker")
    page.select_option("#baseline-kind-lumbar_spine", "tscore")
    page.fill("#baseline-value-lumbar_spine", "-2.6")
    page.fill("#years", "6")
    # a third regimen from the builder: alendronate, then an MSC product
    page.click("#add-regimen")
    page.select_option("#b-therapy", "alendronate")
    typical = httpx.get(server + "/api/therapies").json()["therapies"][0]
    assert typical["name"] == "alendronate"
    assert page.inner_text("#b-preview") == typical["schedules"][0]
    page.click("#b-add")
    page.select_option("#b-therapy", "msc")
    page.select_option("#b-route", "iv")
    msc = page.inner_text("#b-preview")
    assert msc.startswith("msc bone-marrow allogeneic ") and " iv " in msc
    page.click("#b-add")
    page.fill("[aria-label='name of regimen 3']", "Alendronate + MSC")
    assert page.locator(".regimen").count() == 3
    assert page.locator("[data-regimen='2'] li input").count() == 2
    page.get_by_role("button", name="Simulate").click()
    page.wait_for_selector("#bmd-plot .main-svg", timeout=90_000)
    page.wait_for_function("document.querySelectorAll('#summary tbody tr').length === 3", timeout=90_000)
    # one line per site (physiology.sites, served at /api/sites) and regimen, each with the WHO bands behind it
    n = 3 * len(httpx.get(server + "/api/sites").json())
    assert page.locator("#bmd-plot .scatterlayer .trace").count() == n
    assert page.locator("#bmd-plot .shapelayer path").count() >= n
    # sites x 3 regimens, strength and (dotted) fracture strength
    assert page.locator("#strength-plot .scatterlayer .trace").count() == 2 * n
    assert "fracture strength change" in page.inner_text("#summary thead")
    assert page.locator("#markers-plot .scatterlayer .trace").count() == 6
    assert page.locator("#cells-plot .scatterlayer .trace").count() == 12
    assert page.locator("#risk-plot .scatterlayer .trace").count() == 6  # MOF and hip per regimen
    assert page.locator("#error").is_hidden()
    assert "Denosumab" in page.inner_text("#summary") and "Alendronate + MSC" in page.inner_text("#summary")
    assert not page.js_errors, page.js_errors
    _shot(page, shots, "simulate")


def test_bad_input_is_shown_not_crashed(server, page):
    _open(page, server + "/")
    page.fill("#age", "130")
    page.get_by_role("button", name="Simulate").click()
    page.wait_for_selector("#error:not([hidden])", timeout=30_000)
    assert "patient.age" in page.inner_text("#error")
    assert not page.js_errors, page.js_errors


def test_model_page_lists_parameters_with_units_and_sources(server, page, shots):
    _open(page, server + "/model")
    rows = page.locator("#param-table tbody tr")
    assert rows.count() > 50
    first = rows.first.inner_text()
    assert first.strip()
    page.fill("#param-filter", "g/cm^2")
    assert 0 < page.locator("#param-table tbody tr").count() < 20
    assert page.locator("#therapy-table tbody tr").count() >= 10
    assert page.locator("#all-citations li").count() > 20
    page.select_option("#model-select", "Pivonka2008")
    page.wait_for_function("document.querySelector('#model-description').textContent.includes('Pivonka2008')")
    assert not page.js_errors, page.js_errors
    _shot(page, shots, "model", full_page=False)  # the full parameter table is a very tall image


def test_healing_page_compares_with_and_without_injection(server, page, shots):
    _open(page, server + "/healing")
    # the 2-D callus draws heat maps (a short run)
    page.fill("#weeks", "2")
    page.get_by_role("button", name="Simulate healing").click()
    page.wait_for_selector("#callus-treated .heatmaplayer", timeout=90_000)
    page.wait_for_selector("#callus-untreated .heatmaplayer")
    # the 1-D line over 30 weeks: the atrophic non-union unites only with the injection
    page.select_option("#geometry", "line")
    page.fill("#weeks", "30")
    page.get_by_role("button", name="Simulate healing").click()
    page.wait_for_function("document.querySelector('#heal-status').textContent.startsWith('done')"
                           " && document.querySelector('#week-label').textContent.startsWith('30')", timeout=60_000)
    rows = page.locator("#heal-summary tbody tr")
    assert rows.count() == 2
    assert "not united" in rows.nth(0).inner_text() and "weeks" in rows.nth(1).inner_text()
    slider = page.locator("#week-slider")
    slider.fill("2")
    assert not page.inner_text("#week-label").startswith("30")
    slider.fill(slider.get_attribute("max"))
    assert not page.js_errors, page.js_errors
    _shot(page, shots, "healing")


def test_trial_page_runs_a_small_trial_with_live_progress(server, page, shots):
    _open(page, server + "/trials")
    page.select_option("#template", "freedom_like")
    page.fill("#patients_per_arm", "4")
    page.fill("#trial-years", "0.5")
    page.fill("#parameter_draws", "2")
    assert "8 patients" in page.inner_text("#size-note")
    page.get_by_role("button", name="Run trial").click()
    page.wait_for_selector("#trial-status .badge", timeout=10_000)
    page.wait_for_selector("#trial-results:not([hidden])", timeout=240_000)
    assert page.locator("#trial-status .badge").inner_text() == "done"
    assert page.locator("#bmd-table tbody tr").count() == 2 * len(httpx.get(server + "/api/sites").json())  # arms x sites
    # FREEDOM's published ratios beside the simulated ones, each marked predicted
    predictions = page.inner_text("#prediction-table")
    assert "predicted" in predictions and "0.32 (0.26–0.41)" in predictions
    # two parameter draws on the same patients: the three intervals per arm and endpoint
    assert page.locator("#uncertainty").is_visible()
    assert page.locator("#uncertainty-table tbody tr").count() >= 2 * len(httpx.get(server + "/api/sites").json())
    assert "2 parameter draws" in page.inner_text("#uncertainty-note")
    report = page.locator("#report-link")
    assert report.is_visible()
    r = httpx.get(server + report.get_attribute("href"))
    assert r.status_code == 200 and "<html" in r.text.lower()
    assert not page.js_errors, page.js_errors
    _shot(page, shots, "trial")


def test_study_page_runs_a_small_durability_study(server, page, shots):
    _open(page, server + "/studies")
    assert page.locator("#study option").count() >= 1
    # the first study is chosen as the page opens (choosing it again would rebuild the regimen boxes meanwhile)
    assert page.input_value("#study") == "durability"
    assert page.locator("#regimen-choice input").count() == 13
    assert page.input_value("#draws") == "32" and page.is_checked("#sensitivity")
    keep = ("no_treatment", "msc_marrow_auto_io", "alendronate_5y_holiday")
    for box in page.locator("#regimen-choice input").all():
        if box.get_attribute("value") not in keep:
            box.uncheck()
    assert page.locator("#regimen-choice input[value='no_treatment']").is_disabled()  # the reference always runs
    page.fill("#draws", "2")
    page.fill("#cohort_n", "0")
    page.fill("#study-years", "1")
    page.uncheck("#sensitivity")
    page.get_by_role("button", name="Run study").click()
    # the first study request imports the study code and checks the spec on the server's model thread
    page.wait_for_selector("#study-status .badge", timeout=60_000)
    page.wait_for_selector("#study-results:not([hidden])", timeout=240_000)
    assert page.locator("#study-status .badge").inner_text() == "done"
    assert page.locator("#headline tbody tr").count() == 3
    assert "benefit lasts" in page.inner_text("#headline thead")
    # each regimen's BMD line with its band (two edges), the MSC gain over no treatment, one bar per treated regimen
    assert page.locator("#study-bmd-plot .scatterlayer .trace").count() == 9
    assert page.locator("#study-gain-plot .scatterlayer .trace").count() == 3
    assert page.locator("#prevented-plot .barlayer .point").count() == 2
    assert page.locator("#conclusions li").count() >= 2
    assert "hypothetical" in page.inner_text("#limitations")
    assert "It cannot say whether MSC therapy works in women" in page.inner_text("#scope")
    page.select_option("#curve-site", "total_hip")
    page.wait_for_function("document.querySelector('#study-bmd-plot .gtitle').textContent.startsWith('Total hip')")
    # the same settings again: the stored result, at once
    page.get_by_role("button", name="Run study").click()
    page.wait_for_function("document.querySelector('#study-status').textContent.includes('stored result')")
    assert page.locator("#headline tbody tr").count() == 3
    assert page.locator("#error").is_hidden()
    assert not page.js_errors, page.js_errors
    _shot(page, shots, "study")
