// Trial page: templates, POST /api/trials, polling GET /api/trials/{id}, cancel, results and report link.
"use strict";

const $ = (id) => document.getElementById(id);
let templates = [];
let job = null;  // JobFollower (common.js), made once the page has loaded

function template() {
  return templates.find((t) => t.name === $("template").value);
}

function onTemplate() {
  const t = template();
  if (!t) return;
  $("patients_per_arm").value = Math.min(t.trial.population?.patients_per_arm ?? 50, 50);
  $("trial-years").value = t.trial.years ?? "";
  $("seed").value = t.trial.seed ?? 7;
  $("template-yaml").textContent = JSON.stringify(t.trial, null, 2);
  updateSize();
}

function updateSize() {
  const t = template();
  const arms = t ? Object.keys(t.trial.arms || {}).length : 0;
  $("size-note").textContent = `${arms} arms × ${$("patients_per_arm").value || "?"} = ${arms * Number($("patients_per_arm").value || 0)} patients`;
}

async function start() {
  showError($("error"), "");
  $("trial-results").hidden = true;
  const body = { template: $("template").value, patients_per_arm: Number($("patients_per_arm").value) };
  if ($("trial-years").value !== "") body.years = Number($("trial-years").value);
  if ($("seed").value !== "") body.seed = Number($("seed").value);
  if (Number($("parameter_draws").value) > 0) body.parameter_draws = Number($("parameter_draws").value);
  try {
    const view = await api("/api/trials", { method: "POST", json: body });
    job.follow(`/api/trials/${view.id}`, view);
  } catch (err) {
    showError($("error"), err.message);
  }
}

function show(view) {
  const p = view.progress;
  $("trial-progress").max = p.total || 1;
  $("trial-progress").value = p.done;
  $("trial-status").replaceChildren(el("span", { class: `badge ${view.status}` }, view.status),
    ` ${p.total ? `${p.done}/${p.total} patients per arm` : ""} ${view.elapsed_s !== null ? `· ${view.elapsed_s.toFixed(0)} s` : ""}`);
}

function showResults(view) {
  const arms = view.summary?.arms || {};
  const names = Object.keys(arms);
  $("trial-results").hidden = false;
  const link = $("report-link");
  link.hidden = !view.links.report;
  if (view.links.report) link.href = view.links.report;
  // BMD % change per arm, site and visit (mean and 95% CI)
  const rows = [];
  const traces = [];
  names.forEach((arm, k) => {
    const bySite = arms[arm].bmd_pct_change || {};
    for (const site of Object.keys(bySite)) {
      const visits = Object.keys(bySite[site]).sort((a, b) => Number(a) - Number(b));
      const last = bySite[site][visits[visits.length - 1]] || {};
      rows.push(el("tr", {}, el("td", { class: "text" }, arm), el("td", { class: "text" }, SITE_LABELS[site] || site),
        el("td", {}, arms[arm].n ?? "–"), el("td", {}, `${visits[visits.length - 1]} mo`), el("td", {}, fmt(last.mean, 2, " %")),
        el("td", {}, last.ci95 ? `${fmt(last.ci95[0], 2)} to ${fmt(last.ci95[1], 2)}` : "–")));
      if (site === SITES[0] || Object.keys(bySite).length === 1) {
        traces.push({ x: [0, ...visits.map(Number)], y: [0, ...visits.map((v) => bySite[site][v].mean)], name: arm,
          mode: "lines+markers", line: { color: COLORS[k % COLORS.length] },
          error_y: { type: "data", symmetric: false, array: [0, ...visits.map((v) => (bySite[site][v].ci95?.[1] ?? 0) - bySite[site][v].mean)],
            arrayminus: [0, ...visits.map((v) => bySite[site][v].mean - (bySite[site][v].ci95?.[0] ?? 0))] } });
      }
    }
  });
  $("bmd-table").replaceChildren(el("table", {}, el("thead", {}, el("tr", {},
    ...["arm", "site", "n", "visit", "BMD change (mean)", "95% CI"].map((h, i) => el("th", { class: i < 2 ? "text" : "" }, h)))),
  el("tbody", {}, ...rows)));
  Plotly.react("trial-bmd-plot", traces, { title: { text: `${SITE_LABELS[SITES[0]] || "Lumbar spine"} BMD change by arm (mean, 95% CI)`, font: { size: 14 } },
    xaxis: { title: { text: "months" } }, yaxis: { title: { text: "% change from baseline" } }, height: 340,
    margin: { t: 50, r: 10, b: 50, l: 60 } }, PLOT_CONFIG);
  // the trial's endpoints, in the summary's order (outcomes.fracture.ENDPOINT_KINDS)
  const kinds = Object.keys(arms[names[0]]?.fractures || {});
  $("fracture-table").replaceChildren(el("table", {}, el("thead", {}, el("tr", {}, el("th", { class: "text" }, "arm"),
    ...kinds.map((k) => el("th", {}, `${k}: events (incidence)`)), ...kinds.map((k) => el("th", {}, `${k}: RR (95% CI)`)))),
  el("tbody", {}, ...names.map((arm) => el("tr", {}, el("td", { class: "text" }, arm),
    ...kinds.map((k) => { const f = arms[arm].fractures?.[k]; return el("td", {}, f ? `${f.events} (${fmt(100 * f.incidence, 1, " %")})` : "–"); }),
    ...kinds.map((k) => { const r = arms[arm].relative_risk?.[k]; return el("td", {}, r && r.rr !== null && r.rr !== undefined ? `${fmt(r.rr, 2)} (${r.ci95 ? `${fmt(r.ci95[0], 2)}–${fmt(r.ci95[1], 2)}` : "–"})` : "–"); }))))));
  showPredictions(view.summary?.fracture_predictions || []);
  showUncertainty(view.summary);
}

// with parameter draws (summary.json "uncertainty", osteosim.trials.uncertainty): per arm, BMD change at the last
// visit, incidence and RR, each with the patient-sampling CI, the parameter interval and the total interval
function showUncertainty(summary) {
  const u = summary?.uncertainty;
  $("uncertainty").hidden = !u;
  if (!u) return;
  const last = summary.visits_months[summary.visits_months.length - 1];
  const show = { bmd_pct_change: (v) => fmt(v, 2), incidence: (v) => fmt(100 * v, 1), relative_risk: (v) => fmt(v, 2) };
  const label = { bmd_pct_change: "BMD % change", incidence: "incidence %", relative_risk: "RR" };
  const pair = (e, p) => (p && p[0] !== null && p[0] !== undefined ? `${show[e](p[0])} to ${show[e](p[1])}` : "–");
  const notes = [];
  const ref = (n) => { if (!n) return ""; if (!notes.includes(n)) notes.push(n); return `[${notes.indexOf(n) + 1}]`; };
  const rows = u.endpoints.filter((r) => label[r.endpoint] && (r.endpoint !== "bmd_pct_change" || Number(r.month) === last));
  const head = el("thead", {}, el("tr", {}, ...["arm", "endpoint", "nominal", "patients (sampling CI)", "parameters", "total", "note"]
    .map((h, i) => el("th", { class: i < 2 ? "text" : "" }, h))));
  const body = el("tbody", {}, ...rows.map((r) => el("tr", {},
    el("td", { class: "text" }, r.arm), el("td", { class: "text" }, `${label[r.endpoint]} ${r.site ? SITE_LABELS[r.site] || r.site : r.kind}`),
    el("td", {}, r.nominal === null ? "–" : show[r.endpoint](r.nominal)), el("td", {}, pair(r.endpoint, r.sampling_ci95)),
    el("td", {}, pair(r.endpoint, r.parameter_interval)), el("td", {}, pair(r.endpoint, r.total_interval)), el("td", {}, ref(r.note)))));
  $("uncertainty-table").replaceChildren(el("table", {}, head, body));
  $("uncertainty-note").textContent = `${u.parameter_draws} parameter draws (seed ${u.seed}) on the same patients; BMD at month ${last}. ` +
    (u.sampled ? "" : `Not sampled: ${u.reason} `) + notes.map((n, i) => `[${i + 1}] ${n}`).join(" ");
}

// simulated fracture ratios are predictions (nothing is fitted to a treated arm's fractures), shown next to the
// published trial's ratio where the trial file names one (summary.json "fracture_predictions")
function showPredictions(rows) {
  const ratio = (v, ci) => (v === null || v === undefined ? "–"
    : `${fmt(v, 2)} (${ci && ci[0] !== null && ci[1] !== null ? `${fmt(ci[0], 2)}–${fmt(ci[1], 2)}` : "no CI"})`);
  const inside = (r) => (r.within_published_ci === null || r.within_published_ci === undefined ? "–" : r.within_published_ci ? "yes" : "no");
  const head = el("thead", {}, el("tr", {},
    ...["arm", "kind", "month", "measure", "simulated (95% CI)", "status", "published (95% CI)", "inside published CI"]
      .map((h, i) => el("th", { class: i < 2 ? "text" : "" }, h))));
  const body = el("tbody", {}, ...rows.map((r) => el("tr", {},
    el("td", { class: "text" }, r.arm), el("td", { class: "text" }, r.kind), el("td", {}, fmt(r.month, 0)),
    el("td", {}, r.measure), el("td", {}, ratio(r.simulated, r.simulated_ci95)), el("td", {}, r.status),
    el("td", {}, ratio(r.published, r.published_ci95)), el("td", {}, inside(r)))));
  $("prediction-table").replaceChildren(rows.length ? el("table", {}, head, body) : "");
}

async function init() {
  try {
    await loadSites();
    templates = await api("/api/trials/templates");
  } catch (err) {
    showError($("error"), err.message);
  }
  if (!templates.length) showError($("error"), "no trial templates are installed (examples/trials/)");
  $("template").replaceChildren(...templates.map((t) => el("option", { value: t.name }, `${t.title} (${t.name})`)));
  $("template").addEventListener("change", onTemplate);
  $("patients_per_arm").addEventListener("input", updateSize);
  $("start-trial").addEventListener("click", start);
  job = new JobFollower({ start: $("start-trial"), cancel: $("cancel-trial"), error: $("error"), render: show,
    done: showResults, what: "trial" });
  onTemplate();
  document.body.dataset.ready = "1";
}

init();
