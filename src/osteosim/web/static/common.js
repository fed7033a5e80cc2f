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

// A background job (a trial, a study) that a page follows: its view is fetched once a second and drawn by
// `render` until it ends (done, failed or cancelled), then `done(view)` shows the result. The page's start
// button is disabled and its cancel button (DELETE on the job) enabled while it runs.
const JOB_ENDED = ["done", "failed", "cancelled"];

class JobFollower {
  constructor({ start, cancel, error, render, done, what }) {
    Object.assign(this, { start, cancel, error, render, done, what, url: null, timer: null });
    cancel.addEventListener("click", async () => {
      try { this.show(await api(this.url, { method: "DELETE" })); } catch (err) { showError(error, err.message); }
    });
  }

  // follow the job at `url` from its first view (a stored result may already be done)
  follow(url, view) {
    this.url = url;
    if (!JOB_ENDED.includes(view.status)) {
      this.start.disabled = true;
      this.cancel.disabled = false;
      this.timer = setInterval(() => this.poll(), 1000);
    }
    this.show(view);
  }

  async poll() {
    try {
      this.show(await api(this.url));
    } catch (err) {
      showError(this.error, err.message);
      this.stop();
    }
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.start.disabled = false;
    this.cancel.disabled = true;
  }

  show(view) {
    this.render(view);
    if (!JOB_ENDED.includes(view.status)) return;
    this.stop();
    if (view.status === "failed") showError(this.error, view.error || `the ${this.what} failed`);
    if (view.status === "done") this.done(view);
  }
}
