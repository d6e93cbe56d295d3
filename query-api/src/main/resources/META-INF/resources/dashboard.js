// LiveAtlas dashboard: plain JavaScript over the /v1 API; charts by the vendored Chart.js.
"use strict";

const keyInput = document.getElementById("apiKey");
const keyBox = document.getElementById("apiKeyBox");
keyInput.value = new URLSearchParams(location.search).get("key") || localStorage.getItem("liveatlas.key") || "";
// the key box appears only when a key is in use or the API asks for one (a local stack serves without)
keyBox.hidden = !keyInput.value;
keyInput.addEventListener("change", () => {
  localStorage.setItem("liveatlas.key", keyInput.value);
  loadAtlas();
});

/** Request headers: the API key only when one is given. */
function keyHeaders(extra) {
  const headers = Object.assign({}, extra || {});
  if (keyInput.value) {
    headers["X-API-Key"] = keyInput.value;
  }
  return headers;
}

const charts = {};

function showError(message) {
  const e = document.getElementById("error");
  e.textContent = message;
  e.hidden = !message;
}

async function api(path, options = {}) {
  const headers = keyHeaders(options.headers);
  const response = await fetch(path, Object.assign({}, options, { headers }));
  const type = response.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    let detail = body && body.detail ? body.detail : response.status + " " + response.statusText;
    if (response.status === 401) {
      keyBox.hidden = false;
      detail += keyInput.value ? "" : " Enter your API key at the top right.";
    }
    showError(detail);
    throw new Error(detail);
  }
  showError("");
  return { status: response.status, body, headers: response.headers };
}

function bar(id, labels, values, label) {
  if (charts[id]) {
    charts[id].destroy();
  }
  const canvas = document.getElementById(id);
  // the plotted numbers, readable by tests and assistive tools
  canvas.dataset.labels = JSON.stringify(labels);
  canvas.dataset.values = JSON.stringify(values);
  charts[id] = new Chart(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label, data: values, backgroundColor: "#5aa9e6" }] },
    options: { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
  });
  window.liveatlasCharts = charts;
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text === undefined || text === null ? "" : text;
  row.appendChild(td);
}

// every visible study: the list comes in pages, followed to the last one
async function allStudies() {
  const studies = [];
  let cursor = null;
  do {
    const page = (await api("/v1/studies?limit=1000" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""))).body;
    studies.push(...page.studies);
    cursor = page.next_cursor;
  } while (cursor);
  return studies;
}

async function loadAtlas() {
  const summary = (await api("/v1/atlas")).body;
  document.getElementById("cellCount").textContent = summary.cells.toLocaleString();
  document.getElementById("studyCount").textContent = summary.studies;
  document.getElementById("labelCount").textContent = Object.keys(summary.labels).length;
  try {
    document.getElementById("modelVersion").textContent = (await api("/v1/models/current")).body.manifest.version;
  } catch (e) {
    document.getElementById("modelVersion").textContent = "none";
  }
  const select = document.getElementById("whereLabel");
  select.innerHTML = "";
  for (const label of Object.keys(summary.labels)) {
    const o = document.createElement("option");
    o.value = o.textContent = label;
    select.appendChild(o);
  }
  const studies = await allStudies();
  const tbody = document.querySelector("#studies tbody");
  tbody.innerHTML = "";
  for (const s of studies) {
    const tr = document.createElement("tr");
    const st = s.study;
    const total = st.cells_total || 0;
    const progress = total ? Math.round((100 * (st.cells_indexed || 0)) / total) + "%" : "";
    [st.study_id, st.title, st.tissue, st.disease, st.state, progress, s.cells_in_index, st.visibility].forEach((v) => cell(tr, v));
    tbody.appendChild(tr);
  }
  document.body.dataset.atlasLoaded = "true";
}

async function showWhere(label) {
  const answer = (await api("/v1/where", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ label }),
  })).body;
  document.getElementById("whereTotal").textContent = answer.total_hits.toLocaleString() + " cells labelled " + label;
  bar("chartTissue", answer.by_tissue.map((g) => g.key), answer.by_tissue.map((g) => g.hits), "cells");
  bar("chartDisease", answer.by_disease.map((g) => g.key), answer.by_disease.map((g) => g.hits), "cells");
  const months = [...answer.by_deposit_month].sort((a, b) => a.key.localeCompare(b.key));
  bar("chartMonth", months.map((g) => g.key), months.map((g) => g.hits), "cells");
  const tbody = document.querySelector("#whereStudies tbody");
  tbody.innerHTML = "";
  for (const g of answer.by_study.slice(0, 20)) {
    const tr = document.createElement("tr");
    [g.key, g.hits, (100 * g.fraction).toFixed(1) + "%", (100 * g.group_fraction).toFixed(1) + "%"].forEach((v) => cell(tr, v));
    tbody.appendChild(tr);
  }
  document.body.dataset.whereLoaded = label;
}

// what the .h5ad download needs: the job's result resource, or the small upload to annotate again
let lastAnnotation = null;

async function downloadH5ad() {
  if (!lastAnnotation) {
    return;
  }
  let response;
  const headers = keyHeaders({ Accept: "application/x-hdf5" });
  if (lastAnnotation.result) {
    response = await fetch(lastAnnotation.result + "?format=h5ad", { headers });
  } else {
    const form = new FormData();
    form.append("file", lastAnnotation.file);
    form.append("k", lastAnnotation.k);
    response = await fetch("/v1/annotate?format=h5ad", { method: "POST", headers, body: form });
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    showError(body.detail || response.status + " " + response.statusText);
    return;
  }
  const a = document.createElement("a");
  a.href = URL.createObjectURL(await response.blob());
  a.download = "annotation.h5ad";
  document.body.appendChild(a);
  a.click();
  a.remove();
}

function showAnnotation(result) {
  const labels = Object.keys(result.labels);
  bar("chartLabels", labels, labels.map((l) => result.labels[l]), "cells");
  document.getElementById("annotateStatus").textContent =
    result.cells_annotated + " cells annotated with model " + result.model_version + "; " +
    (100 * result.unknown_fraction).toFixed(1) + "% unknown";
  const header = "cell_id,label,min_dist,vs2nd,vs_all\n";
  const rows = result.cells.map((c) => [c.cell_id, c.label, c.min_dist, c.vs2nd, c.vs_all].join(","));
  const link = document.getElementById("annotateCsv");
  link.href = URL.createObjectURL(new Blob([header + rows.join("\n")], { type: "text/csv" }));
  link.hidden = false;
  document.getElementById("annotateH5ad").hidden = false;
}

async function annotate(file, k) {
  const form = new FormData();
  form.append("file", file);
  form.append("k", k);
  const progress = document.getElementById("annotateProgress");
  progress.hidden = false;
  progress.value = 0;
  const first = await api("/v1/annotate", { method: "POST", body: form });
  if (first.status === 200) {
    lastAnnotation = { file, k };
    progress.value = 1;
    showAnnotation(first.body);
    return;
  }
  const job = first.headers.get("Location");
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const s = (await api(job)).body;
    progress.value = s.progress;
    document.getElementById("annotateStatus").textContent = s.state + ": " + s.cells_done + " of " + s.cells_total + " cells";
    if (s.state === "succeeded") {
      lastAnnotation = { result: s.result };
      showAnnotation((await api(s.result)).body);
      return;
    }
    if (s.state === "failed") {
      showError(s.error.detail);
      return;
    }
  }
}

document.querySelectorAll("nav button").forEach((b) =>
  b.addEventListener("click", () => {
    document.querySelectorAll("nav button").forEach((x) => x.classList.toggle("active", x === b));
    document.querySelectorAll("main section").forEach((s) => (s.hidden = s.id !== "page-" + b.dataset.page));
  })
);
document.getElementById("whereForm").addEventListener("submit", (e) => {
  e.preventDefault();
  showWhere(document.getElementById("whereLabel").value);
});
document.getElementById("annotateH5ad").addEventListener("click", (e) => {
  e.preventDefault();
  downloadH5ad();
});
document.getElementById("annotateForm").addEventListener("submit", (e) => {
  e.preventDefault();
  annotate(document.getElementById("annotateFile").files[0], document.getElementById("annotateK").value);
});

function openPage(page) {
  document.querySelector('nav button[data-page="' + page + '"]').click();
}

// Deep links: ?page=where&label=B%20cell opens the page and runs the search.
(async () => {
  const params = new URLSearchParams(location.search);
  try {
    await loadAtlas();
    if (params.get("page")) {
      openPage(params.get("page"));
    }
    if (params.get("label")) {
      document.getElementById("whereLabel").value = params.get("label");
      await showWhere(params.get("label"));
    }
  } catch (e) {
    // already shown in the error banner
  }
})();
