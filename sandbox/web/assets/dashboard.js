// The dashboard's only script: it reads and drives the public control API (/_sandbox/...), nothing else.
"use strict";

const API = document.location.pathname.replace(/\/+$/, ""); // "/_sandbox"
const REFRESH_MS = 500; // a record made by a client shows within a second, one round to spare
const state = { tenant: sessionStorage.getItem("tenant") || "", token: sessionStorage.getItem("token") || "", open: null };
const $ = (id) => document.getElementById(id);

// -- talking to the control API -------------------------------------------------------------------
async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (state.token) headers["X-Sandbox-Token"] = state.token;
  const response = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401 || response.status === 403) $("token-form").hidden = false;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${answer.message || answer.error || ""}`);
  return answer;
}

const scoped = (path) => path + (path.includes("?") ? "&" : "?") + "tenant=" + encodeURIComponent(state.tenant);

function say(text) {
  $("status").textContent = text;
}

async function act(label, work) {
  try {
    await work();
    say(label);
    await refresh(true);
  } catch (error) {
    say(error.message);
  }
}

// -- building DOM without ever parsing data as HTML ----------------------------------------------------
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "on") for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  return node;
}

// The sections are drawn again at each refresh: the control that has the focus and the entries opened by the viewer
// are found again by their data-key in the new nodes, so a keyboard user keeps their place and bodies stay open.
function replace(container, nodes) {
  const focused = container.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
  const opened = new Set([...container.querySelectorAll("details[open][data-key]")].map((details) => details.dataset.key));
  container.replaceChildren(...nodes);
  for (const details of container.querySelectorAll("details[data-key]")) if (opened.has(details.dataset.key)) details.open = true;
  if (focused) container.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
}

const local = (iso) => (iso ? new Date(iso).toLocaleString() : "");

function countdown(next) {
  if (!next) return "";
  if (next.manual) return "next step on the next vendor read (manual mode)";
  const seconds = Math.max(0, Math.round(next.in_seconds));
  if (seconds < 120) return `next step in ${seconds} s`;
  if (seconds < 7200) return `next step in ${Math.round(seconds / 60)} min`;
  return `next step in ${(seconds / 3600).toFixed(1)} h`;
}

// -- sections -------------------------------------------------------------------------------------
async function renderTenants() {
  const { tenants } = await api("/tenants");
  if (!state.tenant && tenants.length) state.tenant = tenants[0].tenant;
  const select = $("tenant");
  if (document.activeElement === select) return; // being chosen in: its list stays as it is until the next round
  select.replaceChildren(
    ...tenants.map((row) => {
      const records = Object.values(row.records).reduce((a, b) => a + b, 0);
      const seen = row.last_activity ? `, last request ${local(row.last_activity)}` : "";
      return el("option", { value: row.tenant, selected: row.tenant === state.tenant }, `${row.tenant} (${records} records${seen})`);
    })
  );
}

async function renderClock(records) {
  const clock = await api(scoped("/clock"));
  $("now").textContent = local(clock.now);
  $("now").setAttribute("datetime", clock.now);
  const hours = clock.offset_seconds / 3600;
  $("offset").textContent = clock.offset_seconds ? `(virtual offset +${hours.toFixed(2)} h over real time)` : "(real time)";
  $("next-due").textContent = records.next_due ? local(records.next_due) : "none";
  $("advance-next").disabled = !records.next_due;
  $("advance-next").dataset.due = records.next_due || "";
}

function renderRecords(records, credits) {
  replace(
    $("kinds"),
    records.kinds.map((kind) => {
      const rows = kind.records.map((record) =>
        el(
          "tr",
          {},
          el("td", {}, kind.lifecycle ? el("button", { type: "button", class: "link", "data-key": `timeline:${kind.vendor}/${kind.collection}/${record.id}`, on: { click: () => openTimeline(kind, record) } }, record.title ?? record.id) : record.title ?? record.id),
          el("td", {}, el("code", {}, record.id)),
          el("td", {}, record.status ? el("span", { class: "badge" }, record.status) : ""),
          el("td", {}, record.progress ? progress(record.progress) : countdown(record.next))
        )
      );
      const balance = credits && kind.vendor === "zexa" && kind.collection === "campaigns" ? ` · ${credits.credits} credits (${credits.currency})` : "";
      const caption = `${kind.vendor} · ${kind.label} (${kind.total})${balance}`;
      return el(
        "table",
        { class: "kind", "data-kind": `${kind.vendor}.${kind.collection}` },
        el("caption", {}, caption),
        el("thead", {}, el("tr", {}, ...["Name", "Id", "Status", "Progress"].map((name) => el("th", { scope: "col" }, name)))),
        el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: 4 }, "none yet")))
      );
    })
  );
}

function progress(values) {
  const [done, failed, total] = Object.values(values).map((value) => Number(value) || 0);
  const label = `${done} delivered, ${failed} failed of ${total}`;
  return el("span", { class: "progress" }, el("progress", { max: total || 1, value: done + failed, "aria-label": label }), ` ${label}`);
}

async function openTimeline(kind, record) {
  state.open = { vendor: kind.vendor, collection: kind.collection, id: record.id, title: record.title ?? record.id };
  await renderTimeline();
  $("timeline").hidden = false;
  $("timeline-close").focus();
}

async function renderTimeline() {
  if (!state.open) return;
  const { vendor, collection, id, title } = state.open;
  const answer = await api(scoped(`/records/${vendor}/${collection}/${encodeURIComponent(id)}`));
  $("timeline-title").textContent = `Timeline of ${vendor} ${collection} “${title}”`;
  $("timeline-next").textContent = answer.next ? `${countdown(answer.next)} (due ${local(answer.next.due)})` : "No step is pending: the record is settled.";
  $("timeline-steps").replaceChildren(
    ...answer.timeline.map((step) =>
      el("tr", {}, el("td", {}, el("span", { class: "badge" }, step.state)), el("td", {}, local(step.at)), el("td", {}, local(step.real_at)), el("td", {}, why(step)))
    )
  );
  $("timeline-record").textContent = JSON.stringify(answer.record, null, 2);
}

function why(step) {
  const causes = { created: "created by a request", time: "the clock", manual: "a vendor read (manual mode)", immediate: "immediate mode" };
  const cause = causes[step.cause] || `the ${step.cause} request`;
  return step.outcome ? `${cause}; outcome ${step.outcome} chosen by ${step.outcome_by}` : cause;
}

const drafts = {}; // lifecycle choices made on the page and not applied yet: a refresh keeps them

function choice(key, label, options, current, disabled = false) {
  const chosen = drafts[key] ?? current;
  const change = (event) => (drafts[key] = event.target.value);
  return el("select", { "aria-label": label, "data-key": key, disabled, on: { change } }, ...options.map(([value, text]) => el("option", { value, selected: value === chosen }, text)));
}

async function renderLifecycles() {
  const { lifecycles } = await api(scoped("/lifecycles"));
  replace(
    $("lifecycle-rows"),
    lifecycles.map((machine) => {
      const keys = [`${machine.name}:mode`, `${machine.name}:outcome`];
      const mode = choice(keys[0], `${machine.name} mode`, ["time", "immediate", "manual"].map((name) => [name, name]), machine.config.mode);
      const outcomes = [["default", "default path"], ...machine.outcomes.map((name) => [name, name])];
      const outcome = choice(keys[1], `${machine.name} forced outcome`, outcomes, machine.config.outcome ?? "default", !machine.outcomes.length);
      const apply = () =>
        act(`${machine.name}: ${mode.value}, ${outcome.value}`, async () => {
          await api("/lifecycles", { method: "POST", body: { tenant: state.tenant, lifecycle: machine.name, mode: mode.value, outcome: outcome.value } });
          for (const key of keys) delete drafts[key];
        });
      const button = el("button", { type: "button", "data-key": `${machine.name}:apply`, on: { click: apply } }, "Apply");
      return el("tr", {}, el("th", { scope: "row" }, machine.name), el("td", {}, mode), el("td", {}, outcome), el("td", {}, button));
    })
  );
}

async function renderScenarios() {
  const { scenarios } = await api("/scenarios");
  const { active } = await api(scoped("/scenarios/active"));
  const rows = [];
  for (const scenario of scenarios) {
    const on = active.includes(scenario.name);
    let matches = "";
    if (on) {
      const counts = (await api(`/scenarios/${encodeURIComponent(scenario.name)}`)).matches[state.tenant] || [];
      matches = counts.reduce((a, b) => a + b, 0);
    }
    const toggle = () => act(`${scenario.name} ${on ? "deactivated" : "activated"}`, () => api(`/scenarios/${encodeURIComponent(scenario.name)}/${on ? "deactivate" : "activate"}`, { method: "POST", body: { tenant: state.tenant } }));
    rows.push(el("tr", { class: on ? "active" : "" }, el("th", { scope: "row" }, scenario.name), el("td", {}, scenario.description || ""), el("td", {}, matches), el("td", {}, el("button", { type: "button", "aria-pressed": on, "data-key": `scenario:${scenario.name}`, on: { click: toggle } }, on ? "Deactivate" : "Activate"))));
  }
  replace($("scenario-rows"), rows);
}

async function renderJournal() {
  const query = new URLSearchParams({ limit: "50", tenant: state.tenant });
  for (const [name, id] of [["vendor", "filter-vendor"], ["status", "filter-status"], ["path", "filter-path"]]) if ($(id).value.trim()) query.set(name, $(id).value.trim());
  const { requests } = await api("/requests?" + query);
  replace(
    $("journal-entries"),
    requests.reverse().map((entry) =>
      el(
        "li",
        { class: entry.status >= 400 ? "failed" : "" },
        el(
          "details",
          { "data-key": `journal:${entry.seq}` },
          el("summary", { "data-key": `journal-summary:${entry.seq}` }, `${entry.method} /${entry.vendor}${entry.path} → ${entry.status}`, entry.scenario_rule ? el("span", { class: "badge rule" }, `rule ${entry.scenario_rule}`) : "", ` ${local(entry.time)}`),
          entry.detail ? el("p", {}, "X-Sandbox-Detail: ", entry.detail) : "",
          el("h3", {}, "Request"),
          el("pre", {}, entry.request_body || "(no body)"),
          el("h3", {}, "Response"),
          el("pre", {}, entry.response_body || "(no body)")
        )
      )
    )
  );
}

async function renderWebhooks() {
  const { deliveries } = await api(scoped("/webhooks/deliveries?limit=50"));
  replace(
    $("delivery-rows"),
    deliveries.reverse().map((delivery) => {
      const attempts = delivery.attempts.map((attempt) => attempt.status_code ?? attempt.error).join(", ") || "none yet";
      const redeliver = () => act(`${delivery.id} queued again`, () => api(`/webhooks/deliveries/${encodeURIComponent(delivery.id)}/redeliver`, { method: "POST", body: { tenant: state.tenant } }));
      return el(
        "tr",
        {},
        el("td", {}, delivery.event),
        el("td", {}, el("code", {}, delivery.url)),
        el("td", {}, el("span", { class: `badge ${delivery.status}` }, delivery.status)),
        el("td", {}, attempts),
        el("td", {}, el("button", { type: "button", "data-key": `redeliver:${delivery.id}`, disabled: delivery.status === "pending", on: { click: redeliver } }, "Redeliver"))
      );
    })
  );
}

// -- the refresh loop -----------------------------------------------------------------------------
let busy = false;
async function refresh(force = false) {
  if ((busy && !force) || document.hidden) return;
  busy = true;
  try {
    await renderTenants();
    if (!state.tenant) return;
    sessionStorage.setItem("tenant", state.tenant);
    const records = await api(scoped("/records"));
    // Zexa's credits, for a tenant that uses Zexa only: the read seeds Zexa's fixtures for a tenant without them
    const zexa = records.kinds.some((kind) => kind.vendor === "zexa" && kind.total);
    renderRecords(records, zexa ? await api(scoped("/zexa/credits")) : null);
    await Promise.all([renderClock(records), renderTimeline(), renderJournal(), renderWebhooks()]);
    // A select being chosen in keeps its value: those sections wait for the next round.
    const choosing = document.activeElement && document.activeElement.tagName === "SELECT";
    if (force || !choosing) await Promise.all([renderLifecycles(), renderScenarios()]);
  } catch (error) {
    say(error.message);
  } finally {
    busy = false;
  }
}

function wire() {
  $("tenant").addEventListener("change", (event) => {
    state.tenant = event.target.value;
    state.open = null;
    $("timeline").hidden = true;
    refresh();
  });
  $("tenant-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const credential = $("credential").value.trim();
    if (!credential) return;
    await act("opened by credential", async () => {
      state.tenant = (await api(`/clock?credential=${encodeURIComponent(credential)}`)).tenant;
    });
  });
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.token = $("token").value;
    sessionStorage.setItem("token", state.token);
    refresh();
  });
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () => act(`advanced ${button.textContent}`, () => api("/clock/advance", { method: "POST", body: { tenant: state.tenant, seconds: Number(button.dataset.advance) } })));
  }
  $("advance-next").addEventListener("click", (event) => act("advanced to the next step", () => api("/clock/advance", { method: "POST", body: { tenant: state.tenant, to: event.target.dataset.due } })));
  $("advance-to").addEventListener("submit", (event) => {
    event.preventDefault();
    const moment = new Date($("advance-date").value).toISOString();
    act(`advanced to ${local(moment)}`, () => api("/clock/advance", { method: "POST", body: { tenant: state.tenant, to: moment } }));
  });
  $("timeline-close").addEventListener("click", () => {
    state.open = null;
    $("timeline").hidden = true;
  });
  $("journal-filters").addEventListener("input", () => renderJournal());
  for (const vendor of ["webex", "infobip", "zexa", "dailystory"]) $("filter-vendor").append(el("option", {}, vendor));
  $("reset").addEventListener("click", () => act(`tenant ${state.tenant} reset`, () => api("/reset", { method: "POST", body: { tenant: state.tenant } })));
  // The snapshot is the whole sandbox's, as the import replaces the whole sandbox: one tenant's tables hold neither
  // its keys nor its clock, and importing them wiped every other tenant.
  $("export").addEventListener("click", () =>
    act("snapshot exported", async () => {
      const snapshot = await api("/state");
      const link = el("a", { href: URL.createObjectURL(new Blob([JSON.stringify(snapshot, null, 2)], { type: "application/json" })), download: "sandbox-snapshot.json" });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    })
  );
  $("import").addEventListener("submit", (event) => {
    event.preventDefault();
    const file = $("import-file").files[0];
    act("snapshot imported", async () => api("/state", { method: "PUT", body: JSON.parse(await file.text()) }));
  });
  refresh();
  setInterval(refresh, REFRESH_MS);
}

document.addEventListener("DOMContentLoaded", wire);
