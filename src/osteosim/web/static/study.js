// Durability study page: GET /api/studies, POST /api/studies/runs (a stored result answers at once; otherwise a job
// polled at GET /api/studies/runs/{id}), cancel, and the result: conclusions, headline table, BMD/strength courses
// with the parameter band per site, fractures prevented, the sensitivity's top three and the limitations.
"use strict";

const $ = (id) => document.getElementById(id);
// one colour per regimen: the ten strong tab10 colours first, then light ones
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
  "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94"];
const KIND_COLORS = { msc: "#9467bd", "msc + drug": "#8c564b", drug: "#1f77b4", none: "#7f7f7f" };
let studies = [];
let spec = null;
let result = null;
let job = null;  // JobFollower (common.js), made once the page has loaded
let shown = 0;  // the latest study chosen: an older choice's answer is dropped

function study() {
  return studies.find((s) => s.name === $("study").value);
}

async function onStudy() {
  const s = study();
  if (!s) return;
  $("draws").value = s.draws;
  $("cohort_n").value = s.cohort_n;
  $("study-years").value = s.years;
  $("study-seed").value = s.seed;
  $("sensitivity").checked = s.sensitivity;
  const mine = ++shown;
  let got;
  try {
    got = (await api(`/api/studies/${encodeURIComponent(s.name)}`)).spec;
  } catch (err) {
    showError($("error"), err.message);
    return;
  }
  if (mine !== shown) return;
  spec = got;
  $("study-yaml").textContent = JSON.stringify(spec, null, 2);
  const reference = spec.reference ?? s.regimens.find((n) => !(spec.regimens[n] || []).length);
  $("regimen-choice").replaceChildren(...s.regimens.map((n) => el("label", { class: "check" },
    el("input", { type: "checkbox", value: n, checked: true, disabled: n === reference, "data-regimen": n }), n)));
  $("study-status").textContent = "";
  if (s.stored) await start();  // the default settings have a stored result: show it at once
}

function body() {
  const out = { study: $("study").value };
  for (const [id, key] of [["draws", "draws"], ["cohort_n", "cohort_n"], ["study-years", "years"], ["study-seed", "seed"]]) {
    if ($(id).value !== "") out[key] = Number($(id).value);
  }
  out.sensitivity = $("sensitivity").checked;
  const boxes = [...document.querySelectorAll("#regimen-choice input")];
  if (boxes.some((b) => !b.checked)) out.regimens = boxes.filter((b) => b.checked).map((b) => b.value);
  return out;
}

async function start() {
  showError($("error"), "");
  $("study-results").hidden = true;
  try {
    const view = await api("/api/studies/runs", { method: "POST", json: body() });
    job.follow(view.links?.self, view);  // a stored result comes back done, without a job to poll
  } catch (err) {
    showError($("error"), err.message);
  }
}

function show(view) {
  const p = view.progress;
  $("study-progress").max = p.total || 1;
  $("study-progress").value = p.done;
  const what = view.stored ? "stored result" : `${p.total ? `step ${Math.min(p.done + 1, p.total)}/${p.total}` : ""} ${p.message || ""}`;
  $("study-status").replaceChildren(el("span", { class: `badge ${view.status}` }, view.status),
    ` ${view.status === "done" && !view.stored ? "" : what} ${view.elapsed_s !== null && !view.stored ? `· ${view.elapsed_s.toFixed(0)} s` : ""}`);
}

// ------------------------------------------------------------------ the result

function showResult(res) {
  result = res;
  $("study-results").hidden = false;
  $("conclusions").replaceChildren(...res.conclusions.map((s) => el("li", {}, s)));
  $("study-note").textContent = `${res.name}: ${res.years} years, ${res.draws} parameter draws per regimen, seed ${res.seed}, ` +
    `reference ${res.reference}; took ${fmt(res.summary?.seconds?.total, 0)} s to compute.`;
  const cols = res.headline.columns;
  $("headline-table").replaceChildren(el("table", { id: "headline" },
    el("thead", {}, el("tr", {}, ...cols.map((c, i) => el("th", { class: i < 2 ? "text" : "" }, c)))),
    el("tbody", {}, ...res.headline.rows.map((r) => el("tr", {}, ...cols.map((c, i) => el("td", { class: i < 2 || c === "benefit lasts" ? "text" : "" },
      typeof r[c] === "number" ? fmt(r[c], 2) : (r[c] ?? "–"))))))));
  const sites = Object.keys(res.curves[res.regimens[0]] || {});
  const keep = sites.includes($("curve-site").value) ? $("curve-site").value : (sites.includes(res.site) ? res.site : sites[0]);
  $("curve-site").replaceChildren(...sites.map((s) => el("option", { value: s }, SITE_LABELS[s] || s)));
  $("curve-site").value = keep;
  plotCourses();
  plotPrevented();
  showSensitivity(res.sensitivity, res.indices);
  $("scope").textContent = res.scope || "";
  $("limitations").replaceChildren(...res.limitations.map((s) => el("li", {}, s)));
}

function rgba(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

// a line with its 5-95 % band: the band's edges (no legend), then the line
function banded(x, lo, hi, y, name, color, group, showBand = true) {
  const out = [];
  if (showBand) {
    out.push({ x, y: lo, mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false, legendgroup: group });
    out.push({ x, y: hi, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: rgba(color, 0.18), hoverinfo: "skip",
      showlegend: false, legendgroup: group });
  }
  out.push({ x, y, mode: "lines", name, line: { color, width: 1.8 }, legendgroup: group });
  return out;
}

function layout(title, ytitle) {
  return { title: { text: title, font: { size: 14 } }, xaxis: { title: { text: "years from the start" } },
    yaxis: { title: { text: ytitle }, zeroline: true }, height: 380, margin: { t: 50, r: 10, b: 50, l: 60 },
    legend: { font: { size: 10 } } };
}

function plotCourses() {
  const res = result;
  const site = $("curve-site").value;
  const label = SITE_LABELS[site] || site;
  const x = res.t_years;
  const bmd = [];
  const strength = [];
  const gain = [];
  const kinds = Object.fromEntries(res.table.map((r) => [r.regimen, r.kind]));
  const ref = res.curves[res.reference][site];
  res.regimens.forEach((name, k) => {
    const c = res.curves[name][site];
    const color = PALETTE[k % PALETTE.length];
    bmd.push(...banded(x, c.bmd_pct_p05, c.bmd_pct_p95, c.bmd_pct, name, color, name));
    strength.push({ x, y: c.strength_pct, mode: "lines", name, line: { color, width: 1.8 } });
    if (kinds[name] === "msc") {
      const minus = (a) => a.map((v, i) => (v === null || ref.bmd_pct[i] === null ? null : v - ref.bmd_pct[i]));
      gain.push(...banded(x, minus(c.bmd_pct_p05), minus(c.bmd_pct_p95), minus(c.bmd_pct), name, color, name));
    }
  });
  Plotly.react("study-bmd-plot", bmd, layout(`${label}: BMD change (nominal run, 5-95 % parameter band)`,
    "% change from baseline"), PLOT_CONFIG);
  $("study-gain-plot").hidden = !gain.length;
  if (gain.length) {
    Plotly.react("study-gain-plot", gain, layout(`${label}: BMD gain of the MSC regimens over ${res.reference} (too small to see above)`,
      "percentage points"), PLOT_CONFIG);
  }
  Plotly.react("study-strength-plot", strength, layout(`${label}: strength change (nominal run)`, "% change from baseline"),
    PLOT_CONFIG);
}

function plotPrevented() {
  const rows = result.table.filter((r) => r.kind !== "none");
  const lo = rows.map((r) => Math.min(r.prevented_any_p05, r.prevented_any_p95));
  const hi = rows.map((r) => Math.max(r.prevented_any_p05, r.prevented_any_p95));
  const trace = { type: "bar", orientation: "h", y: rows.map((r) => r.regimen), x: rows.map((r) => r.prevented_any),
    marker: { color: rows.map((r) => KIND_COLORS[r.kind] || "#1f77b4") },
    error_x: { type: "data", symmetric: false, array: rows.map((r, i) => Math.max(hi[i] - r.prevented_any, 0)),
      arrayminus: rows.map((r, i) => Math.max(r.prevented_any - lo[i], 0)), thickness: 1 },
    hovertemplate: "%{y}: %{x:.1f} per 1,000<extra></extra>" };
  Plotly.react("prevented-plot", [trace], { title: { text: `Fractures prevented per 1,000 women over ${result.years} years vs ${result.reference} ` +
    "(purple: MSC, brown: MSC + drug, blue: drug; bars: 5-95 % parameter band)", font: { size: 13 } },
  xaxis: { title: { text: "fractures prevented per 1,000 (all kinds)" } }, yaxis: { autorange: "reversed", automargin: true },
  height: Math.max(300, 28 * rows.length + 120), margin: { t: 50, r: 10, b: 50, l: 10 } }, PLOT_CONFIG);
}

function showSensitivity(sens, indices) {
  if (!sens) {
    $("sensitivity-table").replaceChildren(el("p", { class: "note" }, "No sensitivity screen in this run."));
    return;
  }
  if (sens.skipped) {
    $("sensitivity-table").replaceChildren(el("p", { class: "note" }, `Skipped: ${sens.skipped}.`));
    return;
  }
  const key = sens.index;
  const top = new Set((sens.top3 || []).map((r) => r.parameter));
  const rows = (indices || sens.top3).map((r) => el("tr", {}, el("td", { class: "text" }, top.has(r.parameter) ? el("b", {}, r.parameter) : r.parameter),
    el("td", {}, fmt(r[key], 4)), el("td", {}, r.mu === undefined ? "–" : fmt(r.mu, 4))));
  $("sensitivity-table").replaceChildren(
    el("p", { class: "note" }, `${sens.output}; ${sens.method}, n = ${sens.n}, ${sens.runs} runs. Gap over the runs: mean ` +
      `${fmt(sens.difference?.mean, 2)}, range ${fmt(sens.difference?.min, 2)} to ${fmt(sens.difference?.max, 2)} pp. The top three in bold.`),
    el("table", {}, el("thead", {}, el("tr", {}, el("th", { class: "text" }, "parameter"), el("th", {}, `${key} (pp)`), el("th", {}, "mu (pp)"))),
      el("tbody", {}, ...rows)));
}

async function init() {
  try {
    await loadSites();
    studies = await api("/api/studies");
  } catch (err) {
    showError($("error"), err.message);
  }
  if (!studies.length) showError($("error"), "no studies are installed (examples/studies/)");
  $("study").replaceChildren(...studies.map((s) => el("option", { value: s.name }, `${s.title} (${s.regimens.length} regimens)`)));
  $("study").addEventListener("change", onStudy);
  $("run-study").addEventListener("click", start);
  $("curve-site").addEventListener("change", () => result && plotCourses());
  job = new JobFollower({ start: $("run-study"), cancel: $("cancel-study"), error: $("error"), render: show,
    done: (view) => showResult(view.result), what: "study" });
  await onStudy();
  document.body.dataset.ready = "1";
}

init();
