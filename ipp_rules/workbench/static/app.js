// The workbench page: four views over the JSON endpoints of `ipp-rules workbench`.
// Plain modules, nothing fetched from elsewhere. Every word shown comes from i18n/<lang>.json
// through t(), so the interface can be translated without touching this file.

let words = {};
let state = null;
const $ = (id) => document.getElementById(id);

function t(key, values = {}) {
  const text = words[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
  const answer = await fetch(path, options);
  const type = answer.headers.get("content-type") || "";
  const data = type.includes("json") ? await answer.json() : await answer.text();
  if (!answer.ok) {
    const error = new Error(t("error", { title: data.title, detail: data.detail }));
    error.problem = data;
    throw error;
  }
  return data;
}

function problemItem(problem) {
  const where = problem.line ? `${problem.file || ""}:${problem.line}${problem.column ? ":" + problem.column : ""}` : "";
  return element("li", { class: `problem ${problem.severity || "error"}`, "data-line": problem.line ?? "" },
    element("code", { text: where || problem.location || "" }), " ",
    element("span", { text: `${problem.code}: ${problem.message}` }));
}

// ------------------------------------------------------------------------------------------
// Tabs: arrow keys move between them, as a tab list does

function showTab(tab) {
  for (const other of document.querySelectorAll('[role="tab"]')) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  tab.focus();
  if (tab.id === "tab-rules" && !$("files").childElementCount) guarded(loadRules, "check-summary")();
  if (tab.id === "tab-calendars" && !$("months").childElementCount) guarded(showMonth, "calendar-info")();
}

function setUpTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => showTab(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) showTab(tabs[(index + step + tabs.length) % tabs.length]);
    });
  });
}

// ------------------------------------------------------------------------------------------
// Decide

function showDocument(text, marked, bad) {
  const shown = $("shown");
  shown.replaceChildren(...text.split("\n").map((line, index) => {
    const number = index + 1;
    const classes = ["line"];
    if (marked.has(number)) classes.push("hit");
    if (bad.has(number)) classes.push("bad");
    return element("span", { class: classes.join(" "), id: `doc-line-${number}`, "data-line": number },
      element("span", { class: "number", text: String(number) }), line + "\n");
  }));
}

async function decide() {
  const text = $("document").value;
  $("findings").replaceChildren();
  $("problems").replaceChildren();
  $("trace-out").hidden = true;
  try {
    const result = await api("/api/decide", { text, trace: $("trace").checked });
    if (!result.ok) {
      $("outcome").textContent = t("decide.invalid", { count: result.problems.length });
      $("outcome").className = "outcome invalid";
      $("problems").append(...result.problems.map(problemItem));
      showDocument(text, new Set(), new Set(result.problems.map((p) => p.line).filter(Boolean)));
      return;
    }
    $("outcome").textContent = t("decide.outcome", { outcome: result.outcome });
    $("outcome").className = `outcome ${result.outcome}`;
    if (!result.findings.length) $("findings").append(element("li", { text: t("decide.no_findings") }));
    for (const finding of result.findings) {
      const rule = finding.rule;
      const card = element("li", { class: `finding ${finding.severity}` },
        element("strong", { text: `${finding.severity} · ${finding.code}` }),
        element("p", { text: finding.message }),
        element("p", { class: "path" }, element("code", { text: finding.path }),
          finding.field_line ? " " + t("decide.field", { line: finding.field_line }) : ""),
        element("details", {},
          element("summary", { text: t("decide.rule", { id: rule.id, file: rule.file, line: rule.line }) }),
          element("pre", { class: "yaml", text: rule.yaml }),
          element("p", { class: "source", text: finding.source })));
      if (finding.field_line) {
        card.addEventListener("click", () => $(`doc-line-${finding.field_line}`)?.scrollIntoView({ block: "center" }));
      }
      $("findings").append(card);
    }
    showDocument(text, new Set(result.findings.map((f) => f.field_line).filter(Boolean)), new Set());
    if (result.trace) {
      $("trace-out").textContent = JSON.stringify(result.trace, null, 2);
      $("trace-out").hidden = false;
    }
  } catch (error) {
    $("outcome").textContent = error.message;
    $("outcome").className = "outcome invalid";
  }
}

async function loadExample() {
  const name = $("example").value;
  if (name) $("document").value = await api(`/api/examples/${encodeURIComponent(name)}`);
}

async function loadLine(number) {
  const text = await api(`/api/corpus/${number}`);
  try {
    $("document").value = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    $("document").value = text;
  }
}

// ------------------------------------------------------------------------------------------
// Rules: browse, edit with check feedback, preview on the corpus, save or download

let rulesView = null;
let currentFile = null;

async function loadRules() {
  rulesView = await api("/api/rules");
  const list = $("files");
  list.replaceChildren(...rulesView.files.map((file) => element("li", {},
    element("button", { class: file.problems.length ? "file has-problems" : "file", "data-file": file.name,
      text: file.problems.length ? `${file.name} (${file.problems.length})` : file.name,
      onclick: () => openFile(file.name) }))));
  $("other-problems").textContent = rulesView.other_problems.map((p) => p.message).join("; ");
  if (!currentFile && rulesView.files.length) {
    const first = rulesView.files.find((f) => !f.name.startsWith("tests/") && f.name !== "bundle.yaml");
    openFile((first || rulesView.files[0]).name);
  }
}

function openFile(name) {
  const file = rulesView.files.find((f) => f.name === name);
  currentFile = name;
  $("save-status").textContent = "";
  $("file-name").textContent = name;
  $("file-text").value = file.text;
  showProblems(file.problems, null);
  $("preview-out").replaceChildren();
  updateDownload();
}

function selectLine(textarea, number) {
  const lines = textarea.value.split("\n");
  const start = lines.slice(0, number - 1).reduce((sum, line) => sum + line.length + 1, 0);
  textarea.focus();
  textarea.setSelectionRange(start, start + (lines[number - 1] || "").length);
  const height = textarea.scrollHeight / Math.max(1, lines.length);
  textarea.scrollTop = Math.max(0, (number - 5) * height);
}

function showProblems(problems, errors) {
  const items = problems.filter((p) => !p.file || p.file === currentFile).map((problem) => {
    const item = problemItem(problem);
    if (problem.line) {
      item.tabIndex = 0;
      const go = () => selectLine($("file-text"), problem.line);
      item.addEventListener("click", go);
      item.addEventListener("keydown", (event) => { if (event.key === "Enter") go(); });
    }
    return item;
  });
  $("file-problems").replaceChildren(...items);
  annotate(problems.filter((p) => p.file === currentFile && p.line));
  const count = problems.length;
  $("check-summary").textContent = count
    ? t("rules.problems", { errors: errors ?? problems.filter((p) => p.severity === "error").length, count })
    : t("rules.clean");
}

// The file as it is in the editor, each problem shown under its line.
function annotate(problems) {
  const byLine = new Map();
  for (const problem of problems) byLine.set(problem.line, [...(byLine.get(problem.line) || []), problem]);
  const out = $("file-annotated");
  out.hidden = !problems.length;
  const nodes = [];
  $("file-text").value.split("\n").forEach((line, index) => {
    const number = index + 1;
    const found = byLine.get(number);
    nodes.push(element("span", { class: found ? "line bad" : "line", "data-line": number },
      element("span", { class: "number", text: String(number) }), line + "\n"));
    for (const problem of found || []) {
      nodes.push(element("span", { class: `line note ${problem.severity}` },
        element("span", { class: "number", text: "" }), `${" ".repeat(Math.max(0, (problem.column || 1) - 1))}^ ${problem.code}: ${problem.message}\n`));
    }
  });
  out.replaceChildren(...nodes);
}

function updateDownload() {
  const blob = new Blob([$("file-text").value], { type: "text/yaml" });
  const link = $("download");
  if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(blob);
  link.download = (currentFile || "rules.yaml").split("/").pop();
}

async function runTests() {
  const result = await api("/api/tests");
  $("tests-summary").textContent = t("rules.tests", { passed: result.passed, failed: result.failed, percent: result.coverage.percent });
  $("cases").replaceChildren(...result.cases.filter((c) => !c.passed).map((c) =>
    element("li", { class: "case failed" }, element("code", { text: c.location }), " ", c.name,
      element("pre", { text: c.report }))),
    ...result.problems.map(problemItem));
  $("coverage").replaceChildren(...result.coverage.rules.map((rule) =>
    element("li", { class: rule.cases ? "rule fired" : "rule never-fired", "data-rule": rule.rule },
      element("code", { text: rule.rule }), ` ${rule.cases || t("rules.never_fired")}`)));
}

async function checkEdit() {
  updateDownload();
  const result = await api("/api/check", { file: currentFile, text: $("file-text").value });
  showProblems(result.problems, result.errors);
  return result;
}

async function previewEdit() {
  const out = $("preview-out");
  out.replaceChildren(element("p", { text: "…" }));
  try {
    if (currentFile === state.good_faith_file) {
      out.replaceChildren();
      await previewGoodFaith(out);
      return;
    }
    const result = await api("/api/preview", { file: currentFile, text: $("file-text").value });
    const largest = Math.max(1, ...result.rules.map((r) => r.complaints));
    out.replaceChildren(
      element("h3", { id: "changed-count", text: t("rules.changed", result) }),
      element("h4", { text: t("rules.transitions") }),
      element("table", { class: "transitions" }, ...Object.entries(result.transitions).map(([move, count]) =>
        element("tr", {}, element("td", { text: move.replace("->", "→") }), element("td", { text: String(count) })))),
      element("h4", { text: t("rules.responsible") }),
      element("ul", { class: "chart" }, ...result.rules.map((rule) =>
        element("li", {}, element("span", { class: "label", text: `${rule.rule} ${rule.change}` }),
          element("span", { class: "bar", style: `width:${(100 * rule.complaints) / largest}%`, text: String(rule.complaints) })))),
      element("h4", { text: t("rules.complaints") }),
      element("ul", { class: "changes" }, ...result.changes.map((change) =>
        element("li", {},
          element("button", { text: t("rules.open", { line: change.line }), onclick: async () => {
            await loadLine(change.line);
            showTab($("tab-decide"));
            await decide();
          } }),
          " " + change.transition.replace("->", "→") + " ",
          element("code", { text: [...change.appeared.map((k) => "+" + k[1]), ...change.disappeared.map((k) => "−" + k[1])].join(" ") })))));
  } catch (error) {
    out.replaceChildren(element("p", { class: "invalid", text: error.message }));
  }
}

async function saveEdit() {
  if (!state.allow_save) {
    $("save-status").textContent = t("rules.save_disabled");
    return;
  }
  try {
    const result = await api("/api/save", { file: currentFile, text: $("file-text").value });
    $("save-status").textContent = t("rules.saved", { file: result.saved, sha: result.bundle.sha256.slice(0, 12) });
    rulesView = null;
    await loadRules();
    if ($("coverage").childElementCount) await runTests();
  } catch (error) {
    $("save-status").textContent = error.message;
  }
}

// ------------------------------------------------------------------------------------------
// Calendars

let counted = new Set();

async function showMonth() {
  const [year, month] = $("month").value.split("-").map(Number);
  const months = [];
  for (let step = 0; step < 2; step++) {
    const y = year + Math.floor((month - 1 + step) / 12);
    const m = ((month - 1 + step) % 12) + 1;
    months.push(await api(`/api/calendar?name=${encodeURIComponent($("calendar").value)}&year=${y}&month=${m}`));
  }
  $("calendar-info").textContent = t("calendars.info", months[0]);
  $("months").replaceChildren(...months.map(monthGrid));
}

function monthGrid(data) {
  const grid = element("div", { class: "month", role: "grid", "aria-label": `${data.year}-${String(data.month).padStart(2, "0")}` });
  grid.append(element("h4", { text: `${data.year}-${String(data.month).padStart(2, "0")}` }));
  const days = element("div", { class: "days" });
  for (const name of ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]) days.append(element("span", { class: "weekday", text: name }));
  const first = new Date(`${data.days[0].date}T00:00:00`);
  for (let pad = 0; pad < (first.getDay() + 6) % 7; pad++) days.append(element("span", {}));
  for (const day of data.days) {
    const classes = ["day", day.kind];
    if (day.estimate) classes.push("estimate");
    if (counted.has(day.date)) classes.push("counted");
    const label = [day.date, t(`kind.${day.kind}`), day.name].filter(Boolean).join(" · ");
    days.append(element("span", { class: classes.join(" "), title: label, "aria-label": label, "data-date": day.date, "data-kind": day.kind, role: "gridcell",
      text: String(Number(day.date.slice(8))) }));
  }
  grid.append(days);
  return grid;
}

function fillCalendars() {
  $("calendar").replaceChildren(...state.calendars.map((c) => element("option", { value: c.key, text: `${c.key} — ${c.label}` })));
  $("marketplace").replaceChildren(...state.calendars.flatMap((c) => c.marketplaces.map((m) =>
    element("option", { value: JSON.stringify(m), text: m.country ? `${m.platform} (${m.country})` : m.platform }))));
  $("month").value = "2026-09";
}

async function countDeadline() {
  const marketplace = JSON.parse($("marketplace").value);
  try {
    const result = await api("/api/deadline", { ...marketplace, kind: $("kind").value, received_at: $("received").value });
    counted = new Set(result.counted);
    const deadline = result.deadline;
    $("due").textContent = t("calendars.due", { due: deadline.due, timezone: deadline.timezone, last: deadline.last_day, days: result.counted.length });
    const calendar = state.calendars.find((c) => c.marketplaces.some((m) => m.platform === marketplace.platform && m.country === marketplace.country));
    if (calendar) $("calendar").value = calendar.key;
    $("month").value = deadline.local_received_at.slice(0, 7);
    await showMonth();
  } catch (error) {
    $("due").textContent = error.message;
  }
}

// ------------------------------------------------------------------------------------------
// Good Faith

let assessed = null;

function rateRows(metrics) {
  const rows = [];
  const add = (name, rate) => rows.push(element("tr", { class: rate.met ? "met" : "missed", "data-rate": name },
    element("td", { text: name }),
    element("td", {}, element("span", { class: "bar", style: `width:${Math.round(rate.value * 100)}%` }), ` ${rate.percent} (${rate.numerator}/${rate.denominator})`),
    element("td", { text: `${rate.bound === "min" ? "≥" : "≤"} ${rate.threshold_percent}` }),
    element("td", { text: rate.met ? "✓" : "✗" })));
  for (const [name, rate] of Object.entries(metrics.rates)) add(name, rate);
  for (const [reason, part] of Object.entries(metrics.per_reason || {})) {
    for (const [name, rate] of Object.entries(part.rates)) add(`${reason}: ${name}`, rate);
  }
  return rows;
}

async function assess() {
  const text = $("history").value;
  const format = text.trimStart().startsWith("{") ? "json" : "csv";
  const asked = { text, format, as_of: $("as-of").value, platform: $("gf-platform").value };
  try {
    const view = await api("/api/good-faith", asked);
    assessed = asked;
    const result = view.eligibility;
    $("eligibility").textContent = result.eligible ? t("goodfaith.eligible") : t("goodfaith.not_eligible");
    $("eligibility").className = result.eligible ? "outcome accept" : "outcome reject";
    const metrics = result.metrics;
    $("metrics").replaceChildren(
      element("caption", { text: t("goodfaith.requests", { requests: metrics.requests, start: metrics.window_start.slice(0, 10), end: metrics.window_end.slice(0, 10), min: metrics.min_requests }) }),
      element("tr", {}, ...["goodfaith.metric", "goodfaith.value", "goodfaith.threshold", "goodfaith.met"].map((k) => element("th", { text: t(k) }))),
      ...rateRows(metrics));
    const most = Math.max(1, ...view.weeks.map((w) => w.requests));
    $("weeks").replaceChildren(...view.weeks.map((week) => element("li", { title: `${week.week}: ${week.requests}` },
      element("span", { class: "label", text: week.week }),
      element("span", { class: "bar", style: `width:${(100 * week.requests) / most}%`, text: `${week.taken_down}/${week.requests}` }))));
    $("records").replaceChildren(
      element("tr", {}, ...["goodfaith.line", "goodfaith.submitted", "goodfaith.marketplace", "goodfaith.reason", "goodfaith.outcome", "goodfaith.counted"].map((k) => element("th", { text: t(k) }))),
      ...view.records.map((r) => element("tr", { class: r.counted ? "counted" : "not-counted" },
        ...[r.line, r.submitted_at, r.platform, r.reason, r.outcome, r.counted ? "✓" : t("goodfaith.outside")].map((v) => element("td", { text: String(v) })))));
    $("gf-findings").replaceChildren(...result.findings.map((f) => element("li", { text: `${f.code}: ${f.message}` })));
  } catch (error) {
    $("eligibility").textContent = error.message;
    $("eligibility").className = "outcome invalid";
    $("metrics").replaceChildren();
    $("gf-findings").replaceChildren(...(error.problem?.problems || []).map(problemItem));
  }
}

async function previewGoodFaith(out) {
  if (!assessed) {
    out.append(element("p", { text: t("rules.gf_no_history") }));
    return;
  }
  const result = await api("/api/preview-good-faith", { file: currentFile, text: $("file-text").value, history: assessed.text, format: assessed.format, as_of: assessed.as_of, platform: assessed.platform });
  const word = (e) => (e.eligible ? t("goodfaith.eligible") : t("goodfaith.not_eligible"));
  out.append(
    element("h3", { id: "gf-preview", text: t("rules.gf_preview", { before: word(result.before), after: word(result.after) }) }),
    element("table", { class: "gf-after" }, ...rateRows(result.after.metrics)));
}

// ------------------------------------------------------------------------------------------

// A failed request (the workbench stopped, a network error) is said where the user looks,
// never left as an unhandled error.
function guarded(action, where) {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      $(where).textContent = error.message;
    }
  };
}

async function start() {
  const lang = (navigator.language || "en").startsWith("zh") ? "zh" : "en";
  words = await api("/static/i18n/en.json");
  if (lang !== "en") words = { ...words, ...(await api(`/static/i18n/${lang}.json`).catch(() => ({}))) };
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  state = await api("/api/state");
  $("bundle").textContent = `${state.bundle.name} ${state.bundle.version} · ${state.bundle.folder}`;
  $("example").replaceChildren(...state.examples.map((name) => element("option", { value: name, text: name })));
  $("corpus-line").max = state.corpus ? state.corpus.lines : 0;
  $("corpus-line").disabled = $("load-line").disabled = !state.corpus;
  fillCalendars();
  setUpTabs();
  $("example").addEventListener("change", guarded(loadExample, "outcome"));
  $("load-line").addEventListener("click", guarded(() => loadLine(Number($("corpus-line").value)), "outcome"));
  $("upload").addEventListener("change", async (event) => { $("document").value = await event.target.files[0].text(); });
  $("decide").addEventListener("click", decide);
  $("document").addEventListener("keydown", (event) => { if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) decide(); });
  $("check").addEventListener("click", guarded(checkEdit, "check-summary"));
  $("run-tests").addEventListener("click", guarded(runTests, "tests-summary"));
  $("preview").addEventListener("click", previewEdit);
  $("save").addEventListener("click", saveEdit);
  let pending = null;
  $("file-text").addEventListener("input", () => {
    $("save-status").textContent = "";
    clearTimeout(pending);
    pending = setTimeout(guarded(checkEdit, "check-summary"), 400);
  });
  $("show-month").addEventListener("click", guarded(showMonth, "calendar-info"));
  $("count").addEventListener("click", countDeadline);
  $("history-file").addEventListener("change", async (event) => { $("history").value = await event.target.files[0].text(); });
  $("assess").addEventListener("click", assess);
  if (state.examples.length) await loadExample();
  document.body.dataset.ready = "true";
}

start();
