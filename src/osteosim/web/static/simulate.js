// Patient & regimens page: the form, the regimen builder, POST /api/simulate per regimen, and the plots.
"use strict";

const MAX_REGIMENS = 4;
const state = { catalog: null, regimens: [], results: [] };
const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- patient form
function buildBaselineFields() {
  const box = $("baseline-fields");
  for (const site of SITES) {
    box.append(
      el("label", {}, `${SITE_LABELS[site]}`,
        el("select", { id: `baseline-kind-${site}` },
          el("option", { value: "" }, "not measured"), el("option", { value: "tscore" }, "T-score"),
          el("option", { value: "bmd" }, "BMD (g/cm²)"))),
      el("label", {}, "value", el("input", { id: `baseline-value-${site}`, type: "number", step: "any" })),
    );
  }
}

function syncSex() {
  const male = $("sex").value === "male";
  for (const id of ["menopause_age", "ovariectomy_age"]) {
    $(id).disabled = male;
    if (male) $(id).value = "";
  }
}

function numberField(id) {
  const raw = $(id).value.trim();
  return raw === "" ? null : Number(raw);
}

function patientFromForm() {
  const p = {
    species: $("species").value,
    sex: $("sex").value,
    age: numberField("age"),
    bmi: numberField("bmi"),
    calcium_mg_per_day: numberField("calcium_mg_per_day"),
    vitamin_d_ng_per_ml: numberField("vitamin_d_ng_per_ml"),
    physical_activity: $("physical_activity").value,
  };
  for (const id of ["family_history", "smoker", "glucocorticoids", "prior_fracture"]) p[id] = $(id).checked;
  for (const id of ["menopause_age", "ovariectomy_age"]) {
    const v = numberField(id);
    if (v !== null && !$(id).disabled) p[id] = v;
  }
  for (const site of SITES) {
    const kind = $(`baseline-kind-${site}`).value;
    const v = numberField(`baseline-value-${site}`);
    if (kind && v !== null) p[`${kind}_${site}`] = v;
  }
  for (const [k, v] of Object.entries(p)) if (v === null) delete p[k];
  return p;
}

// ---------------------------------------------------------------- regimens
function renderRegimens() {
  const box = $("regimens");
  box.replaceChildren();
  const target = $("b-target");
  const chosen = target.value;
  target.replaceChildren();
  state.regimens.forEach((reg, i) => {
    target.append(el("option", { value: i }, reg.name || `Regimen ${i + 1}`));
    const list = el("ol");
    reg.items.forEach((text, j) => {
      list.append(el("li", {},
        el("input", { value: text, "aria-label": `prescription ${j + 1} of ${reg.name}`,
          oninput: (e) => { reg.items[j] = e.target.value; } }),
        el("button", { type: "button", class: "link", title: "remove", "aria-label": "remove prescription",
          onclick: () => { reg.items.splice(j, 1); renderRegimens(); } }, "×")));
    });
    const card = el("div", { class: "regimen", style: `--c:${COLORS[i]}`, "data-regimen": i },
      el("header", {},
        el("span", { class: "swatch", style: `background:${COLORS[i]}` }),
        el("input", { value: reg.name, "aria-label": `name of regimen ${i + 1}`,
          oninput: (e) => { reg.name = e.target.value; target.options[i].textContent = reg.name; } }),
        state.regimens.length > 1
          ? el("button", { type: "button", class: "link", title: "remove regimen", "aria-label": "remove regimen",
              onclick: () => { state.regimens.splice(i, 1); renderRegimens(); } }, "×")
          : ""),
      reg.items.length ? list : el("p", { class: "empty" }, "no treatment (natural history)"));
    box.append(card);
  });
  if (chosen && Number(chosen) < state.regimens.length) target.value = chosen;
  $("add-regimen").disabled = state.regimens.length >= MAX_REGIMENS;
}

function therapy() {
  return state.catalog.therapies.find((t) => t.name === $("b-therapy").value);
}

function onTherapyChange() {
  const t = therapy();
  const unit = $("b-unit");
  unit.replaceChildren(...t.dose_units.map((u) => el("option", { value: u }, u)));
  onUnitChange();
  // start from the therapy's first typical schedule: its dose, unit, frequency and duration
  const typical = t.schedules[0].match(/ (\d+(?:\.\d+)?(?:e\d+)?) (\S+) /);
  if (typical && t.dose_units.includes(typical[2])) {
    unit.value = typical[2];
    $("b-dose").value = typical[1];
  }
  const isMsc = t.drug_class === "cell_therapy";
  document.querySelectorAll(".msc-only").forEach((n) => { n.hidden = !isMsc; });
  const freq = t.schedules[0].match(/\b(once|daily|weekly|monthly|yearly|every \d+ months)\b/);
  if (freq) $("b-freq").value = [...$("b-freq").options].some((o) => o.value === freq[1]) ? freq[1] : "once";
  const dur = t.schedules[0].match(/for (\d+(?:\.\d+)?) (years?|months?)/);
  $("b-for").value = dur ? dur[1] : "";
  if (dur) $("b-for-unit").value = dur[2].endsWith("s") ? dur[2] : `${dur[2]}s`;
  updatePreview();
}

function onUnitChange() {
  const t = therapy();
  const doses = t.typical_doses[$("b-unit").value] || [];
  $("b-dose").value = doses.length ? doses[Math.min(1, doses.length - 1)] : "";
  updatePreview();
}

// the contract's regimen string: <therapy> [<product words>] <dose> <unit> [<route>] <frequency> [for ...] [starting at ...]
function prescriptionText() {
  const t = therapy();
  const words = [t.name];
  if (t.drug_class === "cell_therapy") {
    words.push($("b-source").value, $("b-donor").value);
    const age = $("b-donor-age").value.trim();
    if (age !== "" && $("b-donor").value === "allogeneic") words.push("donor", "age", age);
  }
  words.push($("b-dose").value.trim() || "?", $("b-unit").value);
  const route = $("b-route").value;
  if (t.drug_class === "cell_therapy") words.push(route);
  const freq = $("b-freq").value;
  const start = $("b-start").value.trim();
  if (freq === "once") {
    words.push("once");
    if (start !== "") words.push("at", start, $("b-start-unit").value);
  } else {
    words.push(freq);
    const dur = $("b-for").value.trim();
    if (dur !== "") words.push("for", dur, $("b-for-unit").value);
    if (start !== "") words.push("starting at", start, $("b-start-unit").value);
  }
  if (t.drug_class === "cell_therapy" && route === "intraosseous") words.push("site", $("b-site").value);
  return words.join(" ");
}

function updatePreview() {
  $("b-site").disabled = $("b-route").value !== "intraosseous";
  $("b-donor-age").disabled = $("b-donor").value !== "allogeneic";
  $("b-preview").textContent = prescriptionText();
}

function buildBuilder() {
  const cat = state.catalog;
  $("b-therapy").replaceChildren(...cat.therapies.map((t) =>
    el("option", { value: t.name }, t.drug_class === "cell_therapy" ? `${t.name} (stem cells)` : t.name)));
  $("b-source").replaceChildren(...Object.keys(cat.msc.sources).map((s) => el("option", { value: s }, s)));
  const msc = cat.therapies.find((t) => t.drug_class === "cell_therapy");
  // "into the gap" belongs to the healing page
  $("b-route").replaceChildren(...(msc ? msc.routes : []).filter((r) => r !== "into the gap")
    .map((r) => el("option", { value: r }, r)));
  $("b-site").replaceChildren(...cat.msc.sites.map((s) => el("option", { value: s }, s)));
  for (const id of ["b-dose", "b-unit", "b-freq", "b-for", "b-for-unit", "b-start", "b-start-unit", "b-source",
    "b-donor", "b-donor-age", "b-route", "b-site"]) {
    $(id).addEventListener("input", updatePreview);
    $(id).addEventListener("change", updatePreview);
  }
  $("b-therapy").addEventListener("change", onTherapyChange);
  $("b-unit").addEventListener("change", onUnitChange);
  $("b-add").addEventListener("click", () => {
    const reg = state.regimens[Number($("b-target").value) || 0];
    reg.items.push(prescriptionText());
    renderRegimens();
  });
  $("add-regimen").addEventListener("click", () => {
    if (state.regimens.length >= MAX_REGIMENS) return;
    state.regimens.push({ name: `Regimen ${String.fromCharCode(65 + state.regimens.length)}`, items: [] });
    renderRegimens();
    $("b-target").value = state.regimens.length - 1;
  });
  $("b-therapy").value = "denosumab";
  onTherapyChange();
}

// ---------------------------------------------------------------- simulate
async function simulateAll() {
  const button = $("simulate");
  showError($("error"), "");
  const patient = patientFromForm();
  const years = numberField("years");
  button.disabled = true;
  delete $("status").dataset.warming;
  $("status").textContent = `simulating ${state.regimens.length} regimen(s)…`;
  const t0 = performance.now();
  try {
    // one request per regimen; the server runs them one after another on its model thread
    const runs = await Promise.all(state.regimens.map((reg) =>
      api("/api/simulate", { method: "POST", json: { patient, years, regimen: reg.items.filter((s) => s.trim()) } })
        .catch((err) => { throw new ApiError(err.status, `${reg.name}: ${err.message}`); })));
    state.results = runs.map((r, i) => ({ name: state.regimens[i].name, color: COLORS[i], data: r }));
    renderResults();
    $("status").textContent = `done in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  } catch (err) {
    showError($("error"), err.message);
    $("status").textContent = "";
  } finally {
    button.disabled = false;
  }
}

function renderResults() {
  renderSummary();
  plotBmd();
  plotStrength();
  plotMarkers();
  plotCells();
  plotRisk();
}

function renderSummary() {
  const head = el("tr", {}, el("th", { class: "text" }, "Regimen"),
    ...SITES.map((s) => el("th", {}, `${SITE_LABELS[s]} BMD change`)),
    ...SITES.map((s) => el("th", {}, `${SITE_LABELS[s]} strength change`)),
    ...SITES.map((s) => el("th", {}, `${SITE_LABELS[s]} fracture strength change`)),
    ...SITES.map((s) => el("th", {}, `${SITE_LABELS[s]} T-score (end)`)),
    el("th", {}, "CTX at end (% of start)"), el("th", {}, "P1NP at end (% of start)"));
  const rows = state.results.map((r) => {
    const s = r.data.summary;
    return el("tr", {},
      el("td", { class: "text" }, el("span", { class: "swatch", style: `background:${r.color}` }), r.name),
      ...SITES.map((site) => el("td", {}, fmt(s.bmd_pct_change?.[site], 1, " %"))),
      ...SITES.map((site) => el("td", {}, fmt(s.strength_pct_change?.[site], 1, " %"))),
      ...SITES.map((site) => el("td", {}, fmt(s.fracture_strength_pct_change?.[site], 1, " %"))),
      ...SITES.map((site) => {
        const t = s.final?.[`tscore_${site}`];
        // the WHO category the server computed (osteosim.physiology.who): no thresholds are copied here
        const cat = t === null || t === undefined ? null : s.who_category?.[site] ?? null;
        return el("td", { class: cat ? `who-${cat}` : "" }, `${fmt(t, 2)} ${cat ? `(${cat})` : ""}`);
      }),
      el("td", {}, fmt(s.final?.ctx_pct_baseline, 0, " %")), el("td", {}, fmt(s.final?.p1np_pct_baseline, 0, " %")));
  });
  const first = state.results[0]?.data.summary;
  const note = first ? el("p", { class: "note" },
    `Age ${fmt(first.start_age, 0)} → ${fmt(first.end_age, 0)}; model ${first.model}, parameter set ${first.parameter_set}. ` +
    "WHO categories: normal T ≥ −1, osteopenia −1 > T > −2.5, osteoporosis T ≤ −2.5.") : "";
  $("summary").replaceChildren(el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)), note);
}

function series(r, col) {
  return r.data.timeseries[col] || [];
}

function axisName(kind, i) {
  return i === 0 ? kind : `${kind}${i + 1}`;
}

function plotBmd() {
  const traces = [];
  const shapes = [];
  const bands = state.results[0]?.data.who_bands || {};
  SITES.forEach((site, i) => {
    state.results.forEach((r, k) => {
      traces.push({
        x: series(r, "age"), y: series(r, `bmd_${site}`), customdata: series(r, `tscore_${site}`),
        name: r.name, legendgroup: r.name, showlegend: i === 0, mode: "lines", line: { color: r.color, width: 2.5 },
        xaxis: axisName("x", i), yaxis: axisName("y", i),
        hovertemplate: `${SITE_LABELS[site]}<br>age %{x:.1f}: BMD %{y:.3f} g/cm²<br>T-score %{customdata:.2f}<extra>${r.name}</extra>`,
      });
    });
    const b = bands[site];
    if (b) {
      const xref = `${axisName("x", i)} domain`;
      const yref = axisName("y", i);
      shapes.push(
        { type: "rect", xref, yref, x0: 0, x1: 1, y0: 0, y1: b.osteoporosis, fillcolor: "rgba(200,40,40,0.13)", line: { width: 0 }, layer: "below" },
        { type: "rect", xref, yref, x0: 0, x1: 1, y0: b.osteoporosis, y1: b.osteopenia, fillcolor: "rgba(230,170,20,0.16)", line: { width: 0 }, layer: "below" },
        { type: "rect", xref, yref, x0: 0, x1: 1, y0: b.osteopenia, y1: 3, fillcolor: "rgba(46,160,67,0.10)", line: { width: 0 }, layer: "below" },
      );
    }
  });
  // y range: the data with a margin, so the bands behind it stay readable
  const ys = state.results.flatMap((r) => SITES.flatMap((s) => series(r, `bmd_${s}`))).filter((v) => v !== null);
  const lo = Math.min(...ys, ...Object.values(bands).map((b) => b.osteoporosis)) - 0.05;
  const hi = Math.max(...ys, ...Object.values(bands).map((b) => b.osteopenia)) + 0.05;
  const layout = {
    title: { text: "BMD per site over age, against the WHO T-score bands (green normal, amber osteopenia, red osteoporosis)", font: { size: 14 } },
    grid: { rows: 1, columns: 3, pattern: "independent" }, shapes, margin: { t: 60, r: 10, b: 50, l: 60 },
    legend: { orientation: "h", y: -0.2 }, height: 380,
    annotations: SITES.map((site, i) => ({ text: SITE_LABELS[site], showarrow: false, xref: `${axisName("x", i)} domain`,
      yref: `${axisName("y", i)} domain`, x: 0.5, y: 1.06, font: { size: 13 } })),
  };
  SITES.forEach((_, i) => {
    layout[`xaxis${i ? i + 1 : ""}`] = { title: { text: "age (years)" } };
    layout[`yaxis${i ? i + 1 : ""}`] = { title: { text: i === 0 ? "BMD (g/cm²)" : "" }, range: [lo, hi] };
  });
  Plotly.react("bmd-plot", traces, layout, PLOT_CONFIG);
}

function plotStrength() {
  // strength per site relative to the young-adult peak (osteosim.outcomes.strength: Morgan 2003 site exponents
  // and the fitted mineral effect): it moves more than BMD, which is why fracture risk follows it
  const traces = [];
  SITES.forEach((site, i) => {
    state.results.forEach((r) => traces.push({
      x: series(r, "age"), y: series(r, `strength_${site}`), name: r.name, legendgroup: r.name, showlegend: i === 0,
      mode: "lines", line: { color: r.color, width: 2 }, xaxis: axisName("x", i), yaxis: axisName("y", i),
      hovertemplate: `${SITE_LABELS[site]}<br>age %{x:.1f}: strength %{y:.2f} of the young-adult peak<extra>${r.name}</extra>`,
    }));
    // dotted: fracture strength, with the resorption cavities as stress risers (outcomes.strength.fracture_strength)
    state.results.forEach((r) => traces.push({
      x: series(r, "age"), y: series(r, `fracture_strength_${site}`), name: r.name, legendgroup: r.name,
      showlegend: false, mode: "lines", line: { color: r.color, width: 2, dash: "dot" },
      xaxis: axisName("x", i), yaxis: axisName("y", i),
      hovertemplate: `${SITE_LABELS[site]}<br>age %{x:.1f}: fracture strength (with resorption cavities) %{y:.2f}<extra>${r.name}</extra>`,
    }));
  });
  const layout = {
    title: { text: "Bone strength per site (1 = young-adult peak; dotted: with resorption cavities)", font: { size: 14 } },
    grid: { rows: 1, columns: 3, pattern: "independent" }, height: 340, margin: { t: 60, r: 10, b: 50, l: 60 },
    legend: { orientation: "h", y: -0.25 },
    annotations: SITES.map((site, i) => ({ text: SITE_LABELS[site], showarrow: false, xref: `${axisName("x", i)} domain`,
      yref: `${axisName("y", i)} domain`, x: 0.5, y: 1.06, font: { size: 13 } })),
  };
  SITES.forEach((_, i) => {
    layout[`xaxis${i ? i + 1 : ""}`] = { title: { text: "age (years)" } };
    layout[`yaxis${i ? i + 1 : ""}`] = { title: { text: i === 0 ? "strength (relative)" : "" }, rangemode: "tozero" };
  });
  Plotly.react("strength-plot", traces, layout, PLOT_CONFIG);
}

function plotMarkers() {
  const traces = [];
  [["ctx", "CTX (resorption)"], ["p1np", "P1NP (formation)"]].forEach(([col, label], i) => {
    state.results.forEach((r) => traces.push({
      x: series(r, "age"), y: series(r, col), name: r.name, legendgroup: r.name, showlegend: i === 0, mode: "lines",
      line: { color: r.color, width: 2 }, xaxis: axisName("x", i), yaxis: axisName("y", i),
      hovertemplate: `${label}: %{y:.0f} % of start<extra>${r.name}</extra>`,
    }));
  });
  Plotly.react("markers-plot", traces, {
    title: { text: "Turnover markers (% of the value at the start)", font: { size: 14 } },
    grid: { rows: 1, columns: 2, pattern: "independent" }, height: 340, margin: { t: 60, r: 10, b: 50, l: 60 },
    legend: { orientation: "h", y: -0.25 },
    xaxis: { title: { text: "age (years)" } }, xaxis2: { title: { text: "age (years)" } },
    yaxis: { title: { text: "CTX (%)" }, rangemode: "tozero" }, yaxis2: { title: { text: "P1NP (%)" }, rangemode: "tozero" },
  }, PLOT_CONFIG);
}

const CELLS = [
  ["oca", "Active osteoclasts"], ["oba", "Active osteoblasts"], ["obp", "Osteoblast precursors"], ["msc_pool", "Marrow MSC pool"],
];

function plotCells() {
  const site = $("cells-site").value || SITES[0];
  const traces = [];
  CELLS.forEach(([col, label], i) => {
    const name = col === "msc_pool" ? col : `${col}_${site}`;
    state.results.forEach((r) => traces.push({
      x: series(r, "age"), y: series(r, name), name: r.name, legendgroup: r.name, showlegend: i === 0, mode: "lines",
      line: { color: r.color, width: 2 }, xaxis: axisName("x", i), yaxis: axisName("y", i),
      hovertemplate: `${label}: %{y:.4g}<extra>${r.name}</extra>`,
    }));
  });
  const layout = {
    title: { text: `Bone cells (${SITE_LABELS[site]}; model concentrations)`, font: { size: 14 } },
    grid: { rows: 1, columns: 4, pattern: "independent" }, height: 330, margin: { t: 70, r: 10, b: 50, l: 60 },
    legend: { orientation: "h", y: -0.25 },
    annotations: CELLS.map(([, label], i) => ({ text: label, showarrow: false, xref: `${axisName("x", i)} domain`,
      yref: `${axisName("y", i)} domain`, x: 0.5, y: 1.08, font: { size: 12 } })),
  };
  CELLS.forEach((_, i) => { layout[`xaxis${i ? i + 1 : ""}`] = { title: { text: "age" } }; });
  Plotly.react("cells-plot", traces, layout, PLOT_CONFIG);
}

function plotRisk() {
  const have = state.results.filter((r) => r.data.fracture_risk);
  const traces = [];
  have.forEach((r) => {
    const risk = r.data.fracture_risk;
    traces.push({ x: risk.age, y: risk.major_osteoporotic, name: `${r.name}: major osteoporotic`, legendgroup: r.name,
      mode: "lines", line: { color: r.color, width: 2.5 }, hovertemplate: `MOF %{y:.1f} %<extra>${r.name}</extra>` });
    traces.push({ x: risk.age, y: risk.hip, name: `${r.name}: hip`, legendgroup: r.name, mode: "lines",
      line: { color: r.color, width: 2, dash: "dot" }, hovertemplate: `hip %{y:.1f} %<extra>${r.name}</extra>` });
  });
  Plotly.react("risk-plot", traces, {
    title: { text: "10-year fracture probability at each age, from the simulated BMD (solid: major osteoporotic, dotted: hip)", font: { size: 14 } },
    height: 360, margin: { t: 60, r: 10, b: 50, l: 60 }, legend: { orientation: "h", y: -0.25 },
    xaxis: { title: { text: "age (years)" } }, yaxis: { title: { text: "probability (%)" }, rangemode: "tozero" },
    annotations: have.length ? [] : [{ text: "no fracture model for this patient (humans only)", showarrow: false,
      xref: "paper", yref: "paper", x: 0.5, y: 0.5, font: { size: 14, color: "#616e7c" } }],
  }, PLOT_CONFIG);
}

// ---------------------------------------------------------------- start
// While the server warms up its model (GET /api/health: ready), say so next to the button; Simulate
// works meanwhile (its requests wait for the warm-up on the server's model thread).
async function showWarmUp() {
  const status = $("status");
  for (;;) {
    let health = null;
    try { health = await api("/api/health"); } catch (err) { return; }
    if (health.ready !== false) {
      if (status.dataset.warming) { status.textContent = ""; delete status.dataset.warming; }
      return;
    }
    if (!status.textContent || status.dataset.warming) {
      status.textContent = "the model is warming up: the first answer may take a little longer";
      status.dataset.warming = "1";
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function init() {
  try {
    await loadSites();
  } catch (err) {
    showError($("error"), `could not load the skeletal sites: ${err.message}`);
  }
  buildBaselineFields();
  $("sex").addEventListener("change", syncSex);
  $("cells-site").replaceChildren(...SITES.map((s) => el("option", { value: s }, SITE_LABELS[s])));
  $("cells-site").addEventListener("change", () => { if (state.results.length) plotCells(); });
  state.regimens = [
    { name: "No treatment", items: [] },
    { name: "Denosumab", items: ["denosumab 60 mg every 6 months for 3 years"] },
  ];
  try {
    state.catalog = await api("/api/therapies");
    buildBuilder();
  } catch (err) {
    showError($("error"), `could not load the therapy catalogue: ${err.message}`);
  }
  renderRegimens();
  $("simulate").addEventListener("click", simulateAll);
  document.body.dataset.ready = "1";
  showWarmUp();
}

init();
