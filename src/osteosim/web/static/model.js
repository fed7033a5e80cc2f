// Model page: GET /api/models, /api/models/{name}, /api/therapies, /api/citations.
"use strict";

const $ = (id) => document.getElementById(id);
let current = null;

function renderParams() {
  const q = $("param-filter").value.trim().toLowerCase();
  const rows = current.parameters.filter((p) => !q ||
    [p.name, p.unit, p.source, p.description].some((s) => (s || "").toLowerCase().includes(q)));
  $("param-table").replaceChildren(el("table", {},
    el("thead", {}, el("tr", {}, ...["name", "value", "unit", "description", "source"].map((h) =>
      el("th", { class: h === "value" ? "" : "text" }, h)))),
    el("tbody", {}, ...rows.map((p) => el("tr", {},
      el("td", { class: "text" }, el("code", {}, p.name)),
      el("td", {}, Number(p.value).toPrecision(6).replace(/\.?0+$/, "").replace(/\.?0+e/, "e")),
      el("td", { class: "text" }, p.unit),
      el("td", { class: "text" }, p.description),
      el("td", { class: "text cite" }, p.source + (p.cite.length ? ` [${p.cite.join(", ")}]` : "")))))));
}

async function showModel(name) {
  try {
    current = await api(`/api/models/${encodeURIComponent(name)}`);
  } catch (err) {
    showError($("error-box") || document.body.appendChild(el("div", { id: "error-box", class: "error" })), err.message);
    return;
  }
  $("model-description").textContent = `${current.description} (${current.kind === "patient"
    ? "patient-driven" : "classic"}; parameter set ${current.parameter_set.name}, ${current.parameters.length} parameters)`;
  $("model-states").textContent = current.states.join(", ");
  $("model-citations").replaceChildren(...current.citations.map((c) => el("li", {}, `[${c.key}] ${c.reference}`)));
  renderParams();
}

async function init() {
  const [models, catalog, cites] = await Promise.all([api("/api/models"), api("/api/therapies"), api("/api/citations")]);
  $("model-select").replaceChildren(...models.map((m) => el("option", { value: m.name }, m.name)));
  $("model-select").value = models.some((m) => m.name === "Osteosim") ? "Osteosim" : models[0].name;
  $("model-select").addEventListener("change", (e) => showModel(e.target.value));
  $("param-filter").addEventListener("input", () => current && renderParams());
  $("therapy-table").replaceChildren(el("table", {},
    el("thead", {}, el("tr", {}, ...["therapy", "class", "routes", "doses", "typical schedules", "sources"].map((h) =>
      el("th", { class: "text" }, h)))),
    el("tbody", {}, ...catalog.therapies.map((t) => el("tr", {},
      el("td", { class: "text" }, el("b", {}, t.name)),
      el("td", { class: "text" }, t.drug_class.replace("_", " ")),
      el("td", { class: "text" }, t.routes.join(", ")),
      el("td", { class: "text" }, Object.entries(t.typical_doses).map(([u, d]) => `${d.join(", ")} ${u}`).join("; ")),
      el("td", { class: "text" }, t.schedules.join("; ")),
      el("td", { class: "text cite" }, t.references.join("; ")))))));
  $("all-citations").replaceChildren(...cites.map((c) => el("li", {}, `[${c.key}] ${c.reference}`)));
  await showModel($("model-select").value);
  document.body.dataset.ready = "1";
}

init();
