// Työvuorosuunnittelu — the web page over the JSON API. No framework, no build step, no CDN.
// Every text a user reads goes through t(); every value from the server goes in as text.
"use strict";

const T = {
  fi: {
    app: "Työvuorosuunnittelu", logout: "Kirjaudu ulos", login: "Kirjaudu sisään",
    token: "Kirjautumistunniste", signin: "Kirjaudu", periods: "Suunnittelujaksot",
    jobs: "Laskennat", name: "Nimi", start: "Alkaa", weeks: "Viikkoja", staff: "Henkilöitä",
    units: "Yksiköt", solve: "Laske vaihtoehdot", profiles: "Painotukset", k: "Vaihtoehtoja",
    time: "Aikaraja (s)", go: "Aloita", state: "Tila", progress: "Edistyminen",
    previous: "Pohjana edellisen jakson julkaistu lista", none: "ei pohjaa",
    objective: "Tavoitearvo", open: "Avoimet vuorot", elapsed: "Kulunut", compare: "Vertaa",
    cancel: "Keskeytä", batch: "Laskennat tiloittain", variants: "Vaihtoehdot",
    kpis: "Tunnusluvut rinnakkain", rank: "Sija", cost: "Henkilöstökustannus",
    ratio: "Henkilöstömitoitus (toteutunut / laki)", burden: "Kuormittavat vuorot",
    single: "Yksittäiset vapaapäivät", comp: "Osaamisen kattavuus", wishes: "Toiveet toteutuneet",
    fair: "Tasapuolisuus (suurin ero)", hours: "Tunnit ±4 h tavoitteesta",
    trade: "Mitä vaihtoehto tavoittelee ja mistä se tinkii", better: "parempi", worse: "heikompi",
    equal: "sama", grid: "Työvuorolista", variant: "Vaihtoehto", why: "Perustelut",
    clickcell: "Valitse solu nähdäksesi perustelut.", nothing: "Ei huomautettavaa tälle päivälle.",
    diff: "Erot kahden vaihtoehdon välillä", show: "Näytä", employee: "Työntekijä", date: "Päivä",
    approve: "Hyväksy", approved: "Hyväksytty: julkaistu versio", staffing: "Miehitys ja tarve päivittäin",
    burdenper: "Kuormitus työntekijöittäin", mine: "Omat vuoroni", mywishes: "Omat toiveeni",
    addwish: "Lisää toive", kind: "Laji", shift: "Vuoro", priority: "Tärkeys", send: "Lähetä",
    withdraw: "Peru", day_off: "Vapaapäivä", shift_w: "Toivevuoro", not_shift: "Ei tätä vuoroa",
    none: "Ei vielä julkaistua listaa.", cap: "Toiveita enintään", period: "Jakso",
    granted: "toive toteutui", notgranted: "toive ei toteutunut", legend: "Selite",
    openrow: "Avoimet", changed: "muutettu", demand: "tarve (vähintään)", onduty: "töissä",
    queued: "jonossa", running: "käynnissä", done: "valmis", failed: "epäonnistui",
    cancelled: "keskeytetty", interrupted: "katkesi", total: "yhteensä",
    short: "Vaihtoehto {a} eroaa vaihtoehdosta {b} {got} vuorossa, pyydetty vähintään {need}: aika ei riittänyt suurempaan eroon. Pidempi aikaraja antaa selvemmin erilaisen vaihtoehdon.",
  },
  en: {
    app: "Rostering", logout: "Sign out", login: "Sign in", token: "Sign-in token",
    signin: "Sign in", periods: "Planning periods", jobs: "Solve jobs", name: "Name",
    start: "Starts", weeks: "Weeks", staff: "Employees", units: "Units", solve: "Compute variants",
    profiles: "Profiles", k: "Variants", time: "Time limit (s)", go: "Start", state: "State",
    previous: "Start from the previous period's published roster", none: "none",
    progress: "Progress", objective: "Objective", open: "Open shifts", elapsed: "Elapsed",
    compare: "Compare", cancel: "Cancel", batch: "Jobs by state", variants: "Variants",
    kpis: "KPIs side by side", rank: "Rank", cost: "Personnel cost",
    ratio: "Staffing ratio (realised / legal)", burden: "Burdensome shifts",
    single: "Single days off", comp: "Competence coverage", wishes: "Wishes fulfilled",
    fair: "Fairness (largest spread)", hours: "Hours within ±4 h of target",
    trade: "What each variant gains and gives up", better: "better", worse: "worse",
    equal: "equal", grid: "Roster", variant: "Variant", why: "Justification",
    clickcell: "Select a cell to see the justification.", nothing: "Nothing to note for this day.",
    diff: "Differences between two variants", show: "Show", employee: "Employee", date: "Date",
    approve: "Approve", approved: "Approved: published version", staffing: "Staffing vs demand per day",
    burdenper: "Burden per employee", mine: "My shifts", mywishes: "My wishes",
    addwish: "Add a wish", kind: "Kind", shift: "Shift", priority: "Priority", send: "Send",
    withdraw: "Withdraw", day_off: "Day off", shift_w: "Shift", not_shift: "Not this shift",
    none: "No published roster yet.", cap: "Wishes at most", period: "Period",
    granted: "wish granted", notgranted: "wish not granted", legend: "Legend",
    openrow: "Open", changed: "changed", demand: "demand (minimum)", onduty: "on duty",
    queued: "queued", running: "running", done: "done", failed: "failed",
    cancelled: "cancelled", interrupted: "interrupted", total: "total",
    short: "Variant {a} differs from variant {b} in {got} shifts where at least {need} were asked: the time did not allow more. A longer time limit gives a more distinct variant.",
  },
};
const PROFILES = { balanced: ["Tasapainoinen", "Balanced"], ergonomics: ["Ergonomia ensin", "Ergonomics first"],
  wishes: ["Toiveet ensin", "Wishes first"], cost: ["Edullisin", "Lowest cost"],
  continuity: ["Pysyvyys", "Fewest changes"] };
const ERGONOMIC = ["quick_return", "backward_rotation", "night_runs", "consecutive_days",
  "single_days_off", "same_shift_runs", "work_block_hours", "weekends"];

let lang = localStorage.getItem("lang") || "fi";
const t = (k) => (T[lang] && T[lang][k]) || T.fi[k] || k;
const prof = (p) => (PROFILES[p] ? PROFILES[p][lang === "fi" ? 0 : 1] : p);
const token = () => localStorage.getItem("token");
const $main = () => document.getElementById("main");

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of kids.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}
function svg(tag, attrs, ...kids) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of kids.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}
function toast(msg) {
  const b = document.getElementById("toast");
  b.textContent = msg; b.style.display = "block";
  clearTimeout(toast.h); toast.h = setTimeout(() => (b.style.display = "none"), 4000);
}
async function api(path, opts = {}) {
  const r = await fetch(path, { ...opts, headers: { Authorization: `Bearer ${token()}`,
    ...(opts.body ? { "Content-Type": "application/json" } : {}), ...(opts.headers || {}) } });
  if (r.status === 204) return null;
  const body = r.headers.get("content-type")?.includes("json") ? await r.json() : await r.text();
  if (!r.ok) {
    const d = body && body.detail !== undefined ? body.detail : body;
    const err = new Error(Array.isArray(d) ? d.join("; ") : String(d));
    err.status = r.status; throw err;
  }
  return body;
}
const fmt = (x, d = 0) => (x === null || x === undefined ? "–" :
  Number(x).toLocaleString(lang === "fi" ? "fi-FI" : "en-GB", { maximumFractionDigits: d, minimumFractionDigits: d }));
const pct = (x) => (x === null || x === undefined ? "–" : fmt(100 * x, 1) + " %");
const dayLabel = (iso) => { const d = new Date(iso + "T00:00:00"); return `${d.getDate()}.${d.getMonth() + 1}.`; };

// ------------------------------------------------------------------ chrome and routing
function chrome(me) {
  document.documentElement.lang = lang;
  document.getElementById("lang").textContent = lang === "fi" ? "EN" : "FI";
  document.querySelectorAll("[data-t]").forEach((e) => (e.textContent = t(e.dataset.t)));
  document.title = t("app");
  const nav = document.getElementById("nav"); nav.replaceChildren();
  document.getElementById("logout").hidden = !me;
  document.getElementById("who").textContent = me ? `${me.name} (${me.role})` : "";
  if (!me) return;
  if (me.role === "employee") nav.append(el("a", { href: "#/employee" }, t("mine")));
  else nav.append(el("a", { href: "#/planner" }, t("periods")));
}
let ME = null;
// every route() call starts a new view; a view whose data arrives after a newer one started
// draws nothing (two renders racing replaced a form a planner was filling in)
let VIEW = 0;
const stale = (gen) => gen !== VIEW;
// setting the hash to what it already is fires no hashchange, so route() runs here exactly once
function go(hash) { if ((location.hash || "#") === hash) route(); else location.hash = hash; }
async function route() {
  const gen = ++VIEW;
  for (const s of route.streams || []) s.close();
  route.streams = []; clearInterval(route.timer);
  const h = location.hash || "#/";
  if (!token()) { chrome(null); return loginView(); }
  try { ME = ME || (await api("/api/me")); } catch (e) {
    if (stale(gen)) return;
    localStorage.removeItem("token"); ME = null; chrome(null); return loginView(e.message);
  }
  if (stale(gen)) return;
  chrome(ME);
  const m = h.match(/^#\/job\/(\d+)/);
  try {
    if (m) return await jobView(Number(m[1]), gen);
    if (h.startsWith("#/employee") || ME.role === "employee") return await employeeView(gen);
    return await plannerView(gen);
  } catch (e) { if (!stale(gen)) $main().replaceChildren(el("p", { class: "error", role: "alert" }, e.message)); }
}
window.addEventListener("hashchange", route);
document.getElementById("lang").addEventListener("click", () => { lang = lang === "fi" ? "en" : "fi"; localStorage.setItem("lang", lang); route(); });
document.getElementById("logout").addEventListener("click", () => { localStorage.removeItem("token"); ME = null; go("#/"); });

function loginView(error) {
  const input = el("input", { id: "token", type: "password", autocomplete: "off", required: true, size: 40 });
  const form = el("form", { onsubmit: async (ev) => {
    ev.preventDefault(); localStorage.setItem("token", input.value.trim()); ME = null; go("#/");
  } }, el("label", { for: "token" }, t("token")), input, el("button", { type: "submit" }, t("signin")));
  $main().replaceChildren(el("h1", {}, t("login")), form, error ? el("p", { class: "error", role: "alert" }, error) : "");
  input.focus();
}

// ------------------------------------------------------------------ planner
async function plannerView(gen = VIEW) {
  const [insts, jobs] = await Promise.all([api("/api/instances"), api("/api/jobs")]);
  if (stale(gen)) return;
  const main = $main();
  const rows = insts.map((i) => {
    const form = solveForm(i, insts);
    return [el("tr", {}, el("td", {}, i.name), el("td", {}, i.start), el("td", {}, i.weeks),
      el("td", {}, i.employees), el("td", {}, i.units.join(", ")),
      el("td", {}, el("button", { type: "button", "data-solve": i.id, "aria-expanded": "false",
        onclick: (ev) => { form.hidden = !form.hidden; ev.target.setAttribute("aria-expanded", String(!form.hidden)); } }, t("solve")))),
    el("tr", {}, el("td", { colspan: 6 }, form))];
  });
  main.replaceChildren(
    el("h1", {}, t("periods")),
    el("div", { class: "scroll" }, el("table", { class: "wide" }, el("thead", {}, el("tr", {},
      ...["name", "start", "weeks", "staff", "units", "solve"].map((k) => el("th", { scope: "col" }, t(k))))),
    el("tbody", {}, rows.flat()))),
    el("h2", {}, t("jobs")),
    batchLine(jobs),
    el("div", { class: "scroll" }, el("table", { id: "jobs", class: "wide" }, el("thead", {}, el("tr", {},
      ...["#", "period", "state", "progress", "objective", "open", "elapsed", ""].map((k) => el("th", { scope: "col" }, k === "#" ? "#" : t(k))))),
    el("tbody", {}, jobs.map((j) => jobRow(j, insts))))));
  for (const j of jobs) if (j.state === "running" || j.state === "queued") follow(j.id, insts);
}
function batchLine(jobs) {
  const counts = {};
  for (const j of jobs) counts[j.state] = (counts[j.state] || 0) + 1;
  return el("p", { id: "batch" }, `${t("batch")}: `, Object.entries(counts).map(([s, n]) => `${t(s)} ${n}`).join(" · ") || "–");
}
// a job ended: its row and the counts change, nothing else, so a solve form being filled in
// stays open with what the planner typed (re-rendering the page closed it)
// Two jobs ending together start two refreshes whose answers may arrive out of order; the older
// answer landing last put a finished job's row back to 'running' for good (nothing follows an
// ended job any more). An answer older than one already drawn is dropped, and a row that shows
// an end keeps it: a job never leaves done, failed or cancelled.
const ENDED = ["done", "failed", "cancelled", "interrupted"];
let refreshSeq = 0, refreshDrawn = 0;
async function refreshJobs(insts) {
  const seq = ++refreshSeq;
  const jobs = await api("/api/jobs");
  const body = document.querySelector("#jobs tbody"), batch = document.getElementById("batch");
  if (!body || !batch || seq < refreshDrawn) return;
  refreshDrawn = seq;
  const shown = Object.fromEntries([...body.querySelectorAll("tr[data-state]")].map((r) => [r.id, r]));
  const merged = jobs.map((j) => {
    const old = shown[`job-${j.id}`];
    const keep = old && ENDED.includes(old.dataset.state) && !ENDED.includes(j.state);
    return keep ? [{ ...j, state: old.dataset.state }, old] : [j, jobRow(j, insts)];
  });
  batch.replaceWith(batchLine(merged.map(([j]) => j)));
  body.replaceChildren(...merged.map(([, row]) => row));
}
function solveForm(inst, insts) {
  const iid = inst.id;
  // earlier periods of the same units, newest first: last period's roster as the start
  const earlier = insts.filter((o) => o.start < inst.start && o.units.some((u) => inst.units.includes(u)))
    .sort((a, b) => (a.start < b.start ? 1 : -1));
  const prev = el("select", { name: "previous", id: `prev${iid}` }, el("option", { value: "" }, t("none")),
    ...earlier.map((o) => el("option", { value: o.id }, `${o.name} (${o.start})`)));
  const boxes = Object.keys(PROFILES).map((p, i) => el("label", {}, el("input", { type: "checkbox", name: "profile", value: p, checked: i < 3 }), prof(p)));
  const k = el("input", { type: "number", name: "k", min: 1, max: 10, value: 3, id: `k${iid}` });
  const time = el("input", { type: "number", name: "time", min: 1, max: 3600, value: 60, id: `time${iid}` });
  return el("form", { hidden: true, class: "card", "data-form": iid, onsubmit: async (ev) => {
    ev.preventDefault();
    const profiles = boxes.map((b) => b.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
    try {
      const body = { profiles: profiles.length ? profiles : ["balanced"], k: Number(k.value), time_limit: Number(time.value) };
      if (prev.value) body.previous_period = Number(prev.value);
      const job = await api(`/api/instances/${iid}/jobs`, { method: "POST", body: JSON.stringify(body) });
      toast(`${t("jobs")} #${job.id}: ${t(job.state)}`); plannerView();
    } catch (e) { toast(e.message); }
  } }, el("fieldset", {}, el("legend", {}, t("profiles")), boxes),
  el("label", { for: k.id }, t("k")), k, el("label", { for: time.id }, t("time")), time,
  earlier.length ? [el("label", { for: prev.id }, t("previous")), prev] : "",
  el("button", { type: "submit" }, t("go")));
}
function jobRow(j, insts) {
  const inst = insts.find((i) => i.id === j.instance_id);
  const p = j.progress || {};
  const frac = j.state === "done" ? 1 : (p.fraction || 0);
  return el("tr", { id: `job-${j.id}`, "data-state": j.state }, el("td", {}, j.id), el("td", {}, inst ? inst.name : j.instance_id),
    el("td", { class: `state-${j.state}` }, t(j.state), j.error ? el("div", { class: "muted" }, j.error) : ""),
    el("td", {}, el("progress", { max: 1, value: frac, "aria-label": `${t("progress")} #${j.id}` }), ` ${Math.round(100 * frac)} %`,
      p.variants ? ` · ${p.variants_done || 0}/${p.variants}` : "",
      p.carried ? el("div", { class: "muted" }, p.carried) : ""),
    el("td", {}, fmt(p.objective)), el("td", {}, p.open_shifts ?? "–"), el("td", {}, p.elapsed_s !== undefined ? `${fmt(p.elapsed_s)} s` : "–"),
    el("td", {}, j.state === "done" || j.state === "cancelled" ? el("a", { href: `#/job/${j.id}`, class: "btn" }, t("compare")) :
      (j.state === "running" || j.state === "queued") ? el("button", { type: "button", class: "secondary",
        onclick: async () => { await api(`/api/jobs/${j.id}/cancel`, { method: "POST" }); } }, t("cancel")) : ""));
}
function follow(id, insts) {
  const es = new EventSource(`/api/jobs/${id}/events?access_token=${encodeURIComponent(token())}`);
  route.streams.push(es);
  es.addEventListener("progress", (ev) => {
    const j = JSON.parse(ev.data);
    const old = document.getElementById(`job-${id}`);
    if (old) old.replaceWith(jobRow(j, insts));
  });
  // the table and the counts follow a job's end; a refresh that fails (a busy server) is tried
  // again, or the counts would stay stale until the next render
  const ended = () => {
    let tries = 0;
    const again = () => {
      if (!(location.hash || "#/").match(/^#\/(planner)?$/)) return;
      refreshJobs(insts).catch(() => { if (++tries < 5) setTimeout(again, 2000); });
    };
    setTimeout(again, 300);
  };
  let done = false;
  es.addEventListener("end", () => { done = true; es.close(); ended(); });
  // a stream that drops before the job's end (a restart, a proxy's timeout, a loaded server)
  // used to leave the row 'running' for good: the job is then asked for every 2 s instead
  es.onerror = () => {
    es.close();
    if (done) return;
    const gen = VIEW;
    const poll = async () => {
      if (stale(gen)) return;
      try {
        const j = await api(`/api/jobs/${id}`);
        // the row follows each answer as it followed the stream: a job that ends shows it at
        // once, whether or not the table's refresh after it gets through
        const old = document.getElementById(`job-${id}`);
        if (old && !stale(gen)) old.replaceWith(jobRow(j, insts));
        if (j.state !== "running" && j.state !== "queued") return ended();
      } catch (e) { /* the server is away: ask again */ }
      setTimeout(poll, 2000);
    };
    setTimeout(poll, 2000);
  };
}

// ------------------------------------------------------------------ unit manager: variants
// a variant that differs from an earlier one less than asked (the time ran out): said plainly
function shortNotes(vs) {
  const byIndex = Object.fromEntries(vs.map((v) => [String(v.index), v]));
  return vs.flatMap((v) => Object.entries((v.extra || {}).short_of || {}).map(([j, lack]) => {
    const need = ((v.extra || {}).required_changes || {})[j];
    const other = byIndex[j];
    const fill = { a: `${v.rank}. ${prof(v.profile)}`, b: other ? `${other.rank}. ${prof(other.profile)}` : j,
      got: fmt(need - lack), need: fmt(need) };
    return el("p", { class: "note", "data-short": v.index }, t("short").replace(/\{(\w+)\}/g, (_m, k) => fill[k]));
  }));
}
async function jobView(id, gen = VIEW) {
  const job = await api(`/api/jobs/${id}`);
  const [variants, inst] = await Promise.all([api(`/api/jobs/${id}/variants`), api(`/api/instances/${job.instance_id}`)]);
  if (stale(gen)) return;
  const ok = variants.filter((v) => v.status !== "UNKNOWN" && v.status !== "INFEASIBLE");
  const main = $main();
  main.replaceChildren(el("h1", {}, `${t("variants")} — ${inst.name}`));
  if (!ok.length) { main.append(el("p", { class: "error" }, job.error || "–")); return; }
  main.append(el("h2", {}, t("kpis")), kpiTable(ok), ...shortNotes(ok), el("h2", {}, t("trade")), tradeOffs(ok));
  const pick = el("select", { id: "pick", "aria-label": t("variant") }, ok.map((v) => el("option", { value: v.id }, `${v.rank}. ${prof(v.profile)}`)));
  const area = el("div", { id: "variant-area" });
  pick.addEventListener("change", () => showVariant(Number(pick.value), inst, area));
  main.append(el("h2", {}, t("grid")), el("label", { for: "pick" }, t("variant")), pick, area, diffBox(ok, inst));
  await showVariant(ok[0].id, inst, area);
}
function kpiTable(vs) {
  const rows = [
    ["cost", (v) => v.kpis.personnel_cost_eur, (x) => fmt(x) + " €", -1],
    ["open", (v) => v.kpis.open_shifts, fmt, -1],
    ["wishes", (v) => v.kpis.wishes_fulfilled, pct, 1],
    ["burden", (v) => (v.kpis.burdens || {}).strong, (x) => `${fmt(x)}`, -1, "strong"],
    ["burden", (v) => (v.kpis.burdens || {}).overload, (x) => `${fmt(x)}`, -1, "overload"],
    ["burden", (v) => (v.kpis.burdens || {}).elevated, (x) => `${fmt(x)}`, -1, "elevated"],
    ["single", (v) => v.kpis.single_days_off, fmt, -1],
    ["comp", (v) => v.kpis.competence_coverage, pct, 1],
    ["fair", (v) => v.kpis.fairness_max_spread, (x) => fmt(x, 2), -1],
    ["hours", (v) => v.kpis.hours_within_tolerance_4h, pct, 1],
  ];
  const body = rows.map(([k, get, show, dir, sub]) => {
    const vals = vs.map(get);
    const best = dir > 0 ? Math.max(...vals.filter((x) => x != null)) : Math.min(...vals.filter((x) => x != null));
    return el("tr", {}, el("th", { scope: "row" }, t(k) + (sub ? ` (${sub})` : "")),
      vals.map((x) => el("td", { class: "num" + (x === best && vs.length > 1 ? " best" : "") }, show(x))));
  });
  const ratio = vs.map((v) => (v.kpis.staffing_ratio || []).map((r) =>
    `${r.unit} ${dayLabel(r.window_start)}–${dayLabel(r.window_end)}: ${fmt(r.ratio_realised, 2)} / ${fmt(r.legal_ratio, 2)}` +
    (r.shortfall_hours > 0 ? ` (−${fmt(r.shortfall_hours, 1)} h)` : "")));
  body.push(el("tr", {}, el("th", { scope: "row" }, t("ratio")), ratio.map((lines) =>
    el("td", {}, lines.length ? lines.map((l) => el("div", {}, l)) : "–"))));
  return el("div", { class: "scroll" }, el("table", { class: "kpi", id: "kpis" }, el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("rank")),
    vs.map((v) => el("th", { scope: "col" }, `${v.rank}. ${prof(v.profile)}`, el("br"),
      ME.role !== "employee" ? el("button", { type: "button", "data-approve": v.id, onclick: async () => {
        try { const r = await api(`/api/variants/${v.id}/approve`, { method: "POST", body: "{}" }); toast(`${t("approved")} ${r.version}`); }
        catch (e) { toast(e.message); } } }, t("approve")) : "")))), el("tbody", {}, body)));
}
function tradeOffs(vs) {
  return el("div", {}, vs.map((v) => el("div", { class: "card" }, el("strong", {}, `${v.rank}. ${prof(v.profile)}`),
    el("ul", {}, (v.trade_offs || []).filter((x) => x.verdict !== "equal").map((x) =>
      el("li", { class: x.verdict }, `${x.label}: ${fmt(x.value, 2)} (${t(x.verdict)}; ${fmt(x.best_of_others, 2)})`))))));
}
const explainCache = {};
async function explainFor(vid, emp) {
  const key = `${vid}:${emp || ""}`;
  if (!explainCache[key]) explainCache[key] = api(`/api/variants/${vid}/explain${emp ? `?employee=${encodeURIComponent(emp)}` : ""}`);
  return explainCache[key];
}
async function showVariant(vid, inst, area) {
  const [v, ex] = await Promise.all([api(`/api/variants/${vid}`), explainFor(vid)]);
  const data = inst.data;
  const days = []; const start = new Date(data.start + "T00:00:00");
  for (let i = 0; i < 7 * data.weeks; i++) { const d = new Date(start); d.setDate(d.getDate() + i);
    days.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`); }
  const cell = {}; for (const a of v.roster) cell[`${a.employee}|${a.date}`] = a;
  const wish = {}; for (const w of data.wishes || []) wish[`${w.employee}|${w.date}`] = w;
  const open = {}; for (const g of ex.groups) for (const i of g.items) if (i.term === "open_shift" && i.date) open[i.date] = (open[i.date] || 0) + i.amount;
  const why = el("div", { id: "why", "aria-live": "polite" }, el("strong", {}, t("why")), el("p", { class: "muted" }, t("clickcell")));
  const head = el("tr", {}, el("th", { scope: "col" }, t("employee")), days.map((d, i) => el("th", { scope: "col", class: "d" + (i % 7 === 0 ? " we" : "") }, dayLabel(d))));
  const body = data.employees.map((e) => el("tr", {}, el("th", { scope: "row" }, e.name),
    days.map((d, i) => {
      const a = cell[`${e.id}|${d}`]; const w = wish[`${e.id}|${d}`];
      const code = a ? a.shift : "V";
      let mark = null;
      if (w) {
        const okw = w.kind === "day_off" ? !a : w.kind === "shift" ? a && a.shift === w.shift : !(a && a.shift === w.shift);
        mark = el("span", { class: "w " + (okw ? "ok" : "no"), title: t(okw ? "granted" : "notgranted") }, okw ? "✓" : "✗");
      }
      const label = `${e.name} ${dayLabel(d)}: ${code}${mark ? ", " + mark.title : ""}`;
      return el("td", { class: `c ${code}${a && a.unit !== e.units[0] ? " x" : ""}${i % 7 === 0 ? " we" : ""}`, tabindex: 0, role: "button",
        "aria-label": label, "data-emp": e.id, "data-date": d,
        onclick: () => explainCell(vid, e, d, code, why), onkeydown: (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); explainCell(vid, e, d, code, why); } } },
      code, mark);
    })));
  body.push(el("tr", { class: "open" }, el("th", { scope: "row" }, t("openrow")), days.map((d) => el("td", { class: "c" }, open[d] ? String(open[d]) : ""))));
  area.replaceChildren(
    el("p", { class: "legend" }, `${t("legend")}: `, ["A", "I", "Y", "V"].map((c) => el("span", { class: `c ${c}` }, c)), " ✓ ", t("granted"), " ✗ ", t("notgranted")),
    el("div", { class: "scroll" }, el("table", { class: "grid", id: "grid" }, el("thead", {}, head), el("tbody", {}, body))),
    el("h2", {}, t("staffing")), staffingBox(days, v.roster, data),
    el("h2", {}, t("burdenper")), burdenChart(ex, data.employees), why);
}
async function explainCell(vid, e, d, code, box) {
  const ex = await explainFor(vid, e.id);
  const items = ex.groups.flatMap((g) => g.items.filter((i) => i.date === d).map((i) => ({ ...i, title: g.title })));
  box.replaceChildren(el("strong", {}, `${t("why")}: ${e.name}, ${dayLabel(d)} — ${code}`),
    items.length ? el("ul", {}, items.map((i) => el("li", {}, `${i.title}: ${i.message}`))) : el("p", {}, t("nothing")));
}
function staffingBox(days, roster, data) {
  const shifts = (data.shift_types || []).map((s) => s.id);
  const sel = el("select", { id: "chart-shift", "aria-label": t("shift") },
    el("option", { value: "" }, t("total")), shifts.map((s) => el("option", { value: s }, s)));
  const box = el("div", {}, staffingChart(days, roster, data.demand || []));
  sel.addEventListener("change", () => {
    const s = sel.value;
    box.replaceChildren(staffingChart(days, s ? roster.filter((a) => a.shift === s) : roster,
      (data.demand || []).filter((d) => !s || d.shift === s)));
  });
  return el("div", {}, el("label", { for: "chart-shift" }, t("shift")), sel, box);
}
function staffingChart(days, roster, demand) {
  const on = {}; for (const a of roster) on[a.date] = (on[a.date] || 0) + 1;
  const need = {}; for (const d of demand) if (d.competence === null || d.competence === undefined) need[d.date] = (need[d.date] || 0) + d.minimum;
  const max = Math.max(1, ...days.map((d) => Math.max(on[d] || 0, need[d] || 0)));
  const W = 14, H = 120, w = days.length * W + 40;
  const g = svg("svg", { width: w, height: H + 30, role: "img", "aria-label": t("staffing") });
  days.forEach((d, i) => {
    const hOn = ((on[d] || 0) / max) * H, hNeed = ((need[d] || 0) / max) * H;
    g.append(svg("rect", { x: 30 + i * W, y: H - hOn, width: W - 3, height: hOn, fill: "#0b5cad" }, svg("title", {}, `${dayLabel(d)} ${t("onduty")} ${on[d] || 0}`)));
    g.append(svg("line", { x1: 30 + i * W - 1, x2: 30 + i * W + W - 2, y1: H - hNeed, y2: H - hNeed, stroke: "#b00020", "stroke-width": 2 }, svg("title", {}, `${t("demand")} ${need[d] || 0}`)));
    if (i % 7 === 0) g.append(svg("text", { x: 30 + i * W, y: H + 14 }, dayLabel(d)));
  });
  g.append(svg("text", { x: 0, y: 10 }, String(max)), svg("text", { x: 0, y: H }, "0"));
  return el("figure", {}, el("div", { class: "scroll" }, g), el("figcaption", { class: "muted" }, `■ ${t("onduty")}  — ${t("demand")}`));
}
function burdenChart(ex, employees) {
  const per = {};
  for (const gr of ex.groups) if (ERGONOMIC.includes(gr.rule)) for (const i of gr.items) if (i.employee) per[i.employee] = (per[i.employee] || 0) + i.amount;
  const rows = employees.map((e) => [e.name, per[e.id] || 0]).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...rows.map((r) => r[1]));
  const H = 14, g = svg("svg", { width: 520, height: rows.length * H + 10, role: "img", "aria-label": t("burdenper") });
  rows.forEach(([n, x], i) => {
    g.append(svg("text", { x: 0, y: i * H + 11 }, n));
    g.append(svg("rect", { x: 160, y: i * H + 2, width: (340 * x) / max, height: H - 4, fill: "#c77700" }, svg("title", {}, `${n}: ${x}`)));
    g.append(svg("text", { x: 165 + (340 * x) / max, y: i * H + 11 }, String(x)));
  });
  return el("div", { class: "scroll" }, g);
}
function diffBox(vs, inst) {
  if (vs.length < 2) return "";
  const a = el("select", { id: "diff-a", "aria-label": "A" }, vs.map((v) => el("option", { value: v.id }, `${v.rank}. ${prof(v.profile)}`)));
  const b = el("select", { id: "diff-b", "aria-label": "B" }, vs.map((v, i) => el("option", { value: v.id, selected: i === 1 }, `${v.rank}. ${prof(v.profile)}`)));
  const out = el("div", { id: "diff-out" });
  return el("section", {}, el("h2", {}, t("diff")), a, " ↔ ", b, " ",
    el("button", { type: "button", id: "diff-go", onclick: async () => {
      const d = await api(`/api/variants/${a.value}/diff/${b.value}`);
      out.replaceChildren(el("p", {}, `${d.changed} ${t("changed")}, ${d.employees_affected} ${t("staff")}`),
        el("div", { class: "scroll" }, el("table", {}, el("thead", {}, el("tr", {}, [t("employee"), t("date"), "A", "B"].map((h) => el("th", { scope: "col" }, h)))),
          el("tbody", {}, d.rows.slice(0, 300).map((r) => el("tr", {}, el("td", {}, r.name), el("td", {}, dayLabel(r.date)), el("td", { class: `c ${r.a}` }, r.a), el("td", { class: `c ${r.b}` }, r.b)))))));
    } }, t("show")), out);
}

// ------------------------------------------------------------------ employee
async function employeeView(gen = VIEW) {
  const [periods, mine, wishes] = await Promise.all([api("/api/me/periods"), api("/api/me/roster"), api("/api/me/wishes")]);
  if (stale(gen)) return;
  const main = $main();
  const byDate = [...mine].sort((a, b) => (a.date < b.date ? -1 : 1));
  const period = el("select", { id: "w-period", name: "period" }, periods.map((p) => el("option", { value: p.id }, `${p.name} (${p.start})`)));
  const kind = el("select", { id: "w-kind", name: "kind" }, ["day_off", "shift", "not_shift"].map((k) => el("option", { value: k }, t(k === "shift" ? "shift_w" : k))));
  const date = el("input", { id: "w-date", name: "date", type: "date", required: true });
  const shiftSel = el("select", { id: "w-shift", name: "shift" });
  const fillShifts = () => { const p = periods.find((x) => String(x.id) === period.value); shiftSel.replaceChildren(...(p ? p.shifts : []).map((s) => el("option", { value: s }, s)));
    if (p) { date.min = p.start; const e = new Date(p.start + "T00:00:00"); e.setDate(e.getDate() + 7 * p.weeks - 1); date.max = e.toISOString().slice(0, 10); } };
  period.addEventListener("change", fillShifts); fillShifts();
  const prio = el("select", { id: "w-prio", name: "priority" }, [1, 2, 3].map((n) => el("option", { value: n, selected: n === 2 }, String(n))));
  const form = el("form", { class: "card", id: "wish-form", onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api("/api/me/wishes", { method: "POST", body: JSON.stringify({ instance_id: Number(period.value), kind: kind.value, date: date.value,
        shift: kind.value === "day_off" ? null : shiftSel.value, priority: Number(prio.value) }) });
      toast("✓"); employeeView();
    } catch (e) { toast(e.message); }
  } }, el("h2", {}, t("addwish")),
  el("label", { for: "w-period" }, t("period")), period, el("label", { for: "w-kind" }, t("kind")), kind,
  el("label", { for: "w-date" }, t("date")), date, el("label", { for: "w-shift" }, t("shift")), shiftSel,
  el("label", { for: "w-prio" }, t("priority")), prio, el("button", { type: "submit" }, t("send")),
  periods.length ? el("p", { class: "muted" }, `${t("cap")} ${periods[0].wish_cap}`) : "");
  main.replaceChildren(el("h1", {}, t("mine")),
    byDate.length ? el("ul", { class: "mine", id: "my-shifts" }, byDate.map((a) => el("li", {}, el("strong", {}, dayLabel(a.date)), " ", el("span", { class: `c ${a.shift}` }, a.shift), ` · ${a.unit}`)))
      : el("p", { id: "my-shifts" }, t("none")),
    el("h2", {}, t("mywishes")),
    el("ul", { id: "my-wishes" }, wishes.map((w) => el("li", {}, `${dayLabel(w.date)} ${t(w.kind === "shift" ? "shift_w" : w.kind)}${w.shift ? " " + w.shift : ""} (${t("priority")} ${w.priority}) `,
      el("button", { type: "button", class: "secondary", onclick: async () => { await api(`/api/me/wishes/${w.id}`, { method: "DELETE" }); employeeView(); } }, t("withdraw"))))),
    form);
}

route();
