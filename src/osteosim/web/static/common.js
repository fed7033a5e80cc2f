// Shared by every page: the JSON API helper, error display, site names and colours.
"use strict";

// the skeletal sites come from the server (GET /api/sites, osteosim.physiology.sites): loadSites() fills these
let SITES = [];
let SITE_LABELS = {};
const COLORS = ["#2f6fb3", "#d1495b", "#2a9d8f", "#8e5cc4"];

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

// fetch JSON; a 4xx/5xx becomes an ApiError carrying the server's one-line "error"
async function api(path, options = {}) {
  const opts = { ...options, headers: { Accept: "application/json", ...(options.headers || {}) } };
  if (opts.json !== undefined) {
    opts.body = JSON.stringify(opts.json);
    opts.headers["Content-Type"] = "application/json";
    delete opts.json;
  }
  const res = await fetch(path, opts);
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    const msg = (body && (body.error || JSON.stringify(body.detail))) || `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, msg);
  }
  return body;
}

async function loadSites() {
  const sites = await api("/api/sites");
  SITES = sites.map((s) => s.name);
  SITE_LABELS = Object.fromEntries(sites.map((s) => [s.name, s.label]));
  return sites;
}

function showError(el, message) {
  el.textContent = message;
  el.hidden = !message;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function fmt(x, digits = 2, suffix = "") {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : `${Number(x).toFixed(digits)}${suffix}`;
}

const PLOT_CONFIG = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
