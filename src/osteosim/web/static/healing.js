// Healing page: POST /api/heal (treated and untreated), callus snapshots with a week slider, healing curves.
"use strict";

const $ = (id) => document.getElementById(id);
let result = null;

function scenario() {
  const treatment = $("treatment").value.trim();
  return {
    fracture: { gap_mm: Number($("gap_mm").value), condition: $("condition").value, grid: $("grid").value,
      geometry: $("geometry").value },
    patient: { age: Number($("heal-age").value), sex: $("heal-sex").value },
    weeks: Number($("weeks").value),
    treatment: treatment ? [treatment] : [],
    compare_untreated: true,
  };
}

async function run() {
  showError($("error"), "");
  $("run-heal").disabled = true;
  $("heal-status").textContent = "simulating the callus (a 2-D run takes a minute)…";
  const t0 = performance.now();
  try {
    result = await api("/api/heal", { method: "POST", json: scenario() });
    $("heal-results").hidden = false;
    const n = result.treated.snapshots.times_weeks.length;
    $("week-slider").max = n - 1;
    $("week-slider").value = n - 1;
    renderSummary();
    renderSnapshots();
    renderCurves();
    $("heal-status").textContent = `done in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  } catch (err) {
    showError($("error"), err.message);
    $("heal-status").textContent = "";
  } finally {
    $("run-heal").disabled = false;
  }
}

function runs() {
  const out = [];
  if (result.untreated) out.push(["Without injection", result.untreated, COLORS[1], "callus-untreated"]);
  out.push([result.untreated ? "With injection" : "This fracture", result.treated, COLORS[0], "callus-treated"]);
  return out;
}

function renderSummary() {
  $("heal-summary").replaceChildren(el("table", {},
    el("thead", {}, el("tr", {}, ...["run", "outcome", "time to union", "bone", "cartilage", "soft tissue"].map((h, i) =>
      el("th", { class: i < 2 ? "text" : "" }, h)))),
    el("tbody", {}, ...runs().map(([name, r, color]) => {
      const s = r.summary;
      const f = s.final_tissue_fractions || {};
      return el("tr", {}, el("td", { class: "text" }, el("span", { class: "swatch", style: `background:${color}` }), name),
        el("td", { class: "text" }, (s.outcome || "").replace(/_/g, " ")),
        el("td", {}, s.time_to_union_weeks === null ? "not united" : fmt(s.time_to_union_weeks, 1, " weeks")),
        el("td", {}, fmt(100 * f.bone, 0, " %")), el("td", {}, fmt(100 * f.cartilage, 0, " %")), el("td", {}, fmt(100 * f.soft, 0, " %")));
    }))));
}

function renderSnapshots() {
  const k = Number($("week-slider").value);
  const field = "m_B";
  const week = result.treated.snapshots.times_weeks[k];
  $("week-label").textContent = `${fmt(week, 1)} weeks: bone matrix density (0 = none, 1 = mature bone)`;
  for (const [name, r, , div] of runs()) {
    const snap = r.snapshots;
    const img = snap.fields[field][k];
    const twoD = Array.isArray(img[0]);
    const trace = twoD
      ? { type: "heatmap", z: img, x: snap.axes_mm.x, y: snap.axes_mm.y, zmin: 0, zmax: 1, colorscale: "YlOrBr",
          colorbar: { title: { text: "m_B" } }, hoverongaps: false }
      : { type: "scatter", mode: "lines", x: snap.axes_mm.x, y: img, line: { color: "#8c510a", width: 3 } };
    Plotly.react(div, [trace], {
      title: { text: `${name}: week ${fmt(week, 1)}`, font: { size: 14 } }, height: 340, margin: { t: 50, r: 10, b: 50, l: 60 },
      xaxis: { title: { text: "distance (mm)" } },
      yaxis: twoD ? { title: { text: "distance (mm)" }, scaleanchor: "x" } : { title: { text: "bone matrix" }, range: [0, 1.05] },
    }, PLOT_CONFIG);
  }
}

function renderCurves() {
  const traces = [];
  for (const [name, r, color] of runs()) {
    traces.push({ x: r.times_weeks, y: r.gap_mean_bone, name: `${name}: gap-mean bone matrix`, mode: "lines",
      line: { color, width: 2.5 } });
    traces.push({ x: r.times_weeks, y: r.tissue_fractions.cartilage, name: `${name}: cartilage fraction`, mode: "lines",
      line: { color, width: 1.5, dash: "dot" } });
  }
  const threshold = result.treated.summary.union_bone_threshold;
  Plotly.react("heal-curve", traces, {
    title: { text: "Healing over time (union when the gap-mean bone matrix reaches the threshold)", font: { size: 14 } },
    height: 360, margin: { t: 50, r: 10, b: 50, l: 60 }, legend: { orientation: "h", y: -0.25 },
    xaxis: { title: { text: "weeks after the fracture" } }, yaxis: { title: { text: "fraction" }, range: [0, 1.05] },
    shapes: threshold ? [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: threshold, y1: threshold, line: { dash: "dash", color: "#888" } }] : [],
  }, PLOT_CONFIG);
}

$("run-heal").addEventListener("click", run);
$("week-slider").addEventListener("input", () => result && renderSnapshots());
document.body.dataset.ready = "1";
