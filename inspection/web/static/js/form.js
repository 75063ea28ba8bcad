// The phone form: log in, pick a location (search or nearest), fill the
// checklist, queue the submission on the phone and send it when there is network.

import { $, ApiError, LANG, LANG_KEY, NetworkError, VOCABULARY, allPages, api, el, showProblem, storedSession, typeLabel, withSession } from "./common.js";
import { firstCheckCard, followUpForm, openFindingsOf } from "./form-findings.js";
import { renderForm } from "./form-view.js";
import { Outbox, localTimestamp, newId } from "./queue.js";
import { store } from "./store.js";
import { outboxView } from "./form-outbox.js";
import { TEXTS } from "./form-texts.js";

const SHOWN_LOCATIONS = 30;
const OFFLINE_AFTER_MS = 4000;
const state = {
  lang: LANG,
  locations: [],
  location: null,
  form: null,
  view: null,
  position: null,
  lastSubmitted: null,
  started: false,
  confirmedIncomplete: false,
  offlineAsked: false,
  findings: [],
  followUp: false,
};
const page = $("#form-page");
const photoMaxBytes = Number(page.dataset.photoMaxBytes) || 0;
const outbox = new Outbox();
const outboxUi = outboxView(outbox, { t: (key) => t(key), lang: () => state.lang, onCorrect: (id) => correct(id) });
let saveTimer = null;

function t(key) {
  return TEXTS[state.lang][key] ?? TEXTS.nl[key] ?? key;
}

function applyTexts() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
  const user = storedSession();
  if (user && !$("#session").hidden) sessionUi.showUser(user);
  for (const button of document.querySelectorAll(".lang-switch button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
  }
  showNetwork();
}

function showNetwork() {
  const node = $("#network-state");
  node.textContent = navigator.onLine ? t("online") : t("offline");
  node.classList.toggle("ok", navigator.onLine);
}

// ---- Locations ----

async function loadLocations() {
  // What the phone kept from last time is shown at once; the network's answer follows.
  const kept = await store.get("kv", "locations");
  if (kept && kept.length && !state.locations.length) {
    state.locations = kept;
    drawChoices();
  } else {
    $("#picker-state").textContent = t("locations_loading");
  }
  try {
    state.locations = await allPages("/locations");
    await store.put("kv", state.locations, "locations");
    $("#picker-state").textContent = "";
  } catch (error) {
    if (!(error instanceof NetworkError) && error.status === 401) return handleUnauthorized();
    state.locations = (await store.get("kv", "locations")) || [];
    // Without network the phone's copy is what it kept them for; another failure is said too.
    $("#picker-state").textContent = error instanceof NetworkError
      ? (state.locations.length ? t("locations_cached") : t("locations_none"))
      : `${t("locations_failed")} (${error.message}). ${state.locations.length ? t("locations_kept") : ""}`.trim();
  }
  drawChoices();
}

function normalise(text) {
  return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function distanceKm(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
}

function drawChoices() {
  const query = normalise($("#location-search").value.trim());
  // Every location is searched; only the first ones are drawn, with how many more there are.
  let list = state.locations.filter((loc) => !query
    || [loc.name, loc.code, loc.municipality].some((text) => normalise(text).includes(query)));
  if (state.position) {
    list = list
      .map((loc) => ({ loc, km: loc.latitude === null ? Infinity : distanceKm(state.position, loc) }))
      .sort((a, b) => a.km - b.km)
      .map(({ loc, km }) => ({ ...loc, km }));
  } else {
    list = [...list].sort((a, b) => a.name.localeCompare(b.name, "nl"));
  }
  const shown = list.slice(0, SHOWN_LOCATIONS);
  const more = list.length - shown.length;
  $("#location-more").textContent = more > 0 ? t("more_locations").replace("{n}", String(more)) : "";
  $("#location-results").replaceChildren(...shown.map((loc) => {
    const distance = Number.isFinite(loc.km) ? ` · ${loc.km.toLocaleString(state.lang === "en" ? "en-GB" : "nl-NL", { maximumFractionDigits: 1 })} km` : "";
    const button = el("button", { type: "button", dataset: { code: loc.code } },
      el("span", {}, el("span", { class: "name" }, loc.name), el("br"),
        el("span", { class: "small muted" }, `${loc.code} · ${typeLabel(loc.type, state.lang)} · ${loc.municipality}${distance}`)));
    button.addEventListener("click", () => chooseLocation(loc));
    return el("li", {}, button);
  }));
  if (!shown.length && state.locations.length) $("#picker-state").textContent = t("no_match");
}

function findNearest() {
  if (!navigator.geolocation) {
    $("#picker-state").textContent = t("no_position");
    return;
  }
  $("#picker-state").textContent = t("locating");
  navigator.geolocation.getCurrentPosition(
    (found) => {
      state.position = {
        latitude: found.coords.latitude,
        longitude: found.coords.longitude,
        accuracy_m: Math.round(found.coords.accuracy),
      };
      $("#picker-state").textContent = t("located");
      drawChoices();
    },
    (error) => {
      $("#picker-state").textContent = `${t("no_position")}: ${error.message}`;
    },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
}

// ---- The checklist ----

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The checklist of a type: the phone's copy when it was fetched today, else the network's,
 * else (the network failing) the phone's older copy. A failure other than the network's
 * goes to ``onProblem`` too, for the caller to say.
 */
async function fetchForm(type, lang, { fresh = false, onProblem = null } = {}) {
  const key = `form:${type}:${lang}`;
  if (!fresh) {
    const kept = await store.get("kv", key);
    if (kept && kept.on === today()) return kept;
  }
  try {
    const { data } = await api(`/forms/${encodeURIComponent(type)}?lang=${lang}`);
    await store.put("kv", data, key);
    return data;
  } catch (error) {
    if (!(error instanceof NetworkError) && error.status === 401) handleUnauthorized();
    else if (!(error instanceof NetworkError) && onProblem) onProblem(error);
    return (await store.get("kv", key)) || null;
  }
}

async function chooseLocation(location, restore) {
  state.location = location;
  state.findings = [];
  state.followUp = Boolean(restore && restore.followUp);
  $("#picker").hidden = true;
  $("#chosen").hidden = false;
  $("#chosen-name").textContent = location.name;
  $("#chosen-meta").textContent = `${location.code} · ${typeLabel(location.type, state.lang)} · ${location.municipality}`;
  $("#first-check-slot").replaceChildren();
  // The open findings come alongside the checklist, not before it (a slow connection).
  const findings = openFindingsOf(location.code).catch((error) => {
    if (error instanceof ApiError && error.status === 401) handleUnauthorized();
    else showProblem(`${t("findings_failed")} (${error.message}).`);
    return [];
  });
  await showChecklist(restore);
  getReadyOffline();
  const found = await findings;
  if (state.location !== location) return;
  state.findings = found;
  drawFirstCheck();
  if (state.followUp) await showChecklist();
}

function drawFirstCheck() {
  if (!state.findings.length) {
    $("#first-check-slot").replaceChildren();
    state.followUp = false;
    return;
  }
  $("#first-check-slot").replaceChildren(firstCheckCard(state.findings, {
    t,
    lang: state.lang,
    followUp: state.followUp,
    onFollowUp: async (on) => {
      state.followUp = on;
      drawFirstCheck();
      await showChecklist();
      saveDraftSoon();
      $("#follow-up").focus();
    },
  }));
}

async function showChecklist(restore) {
  const location = state.location;
  const previous = restore || (state.view ? { ...state.view.values(), photos: state.view.photos } : null);
  $("#form-errors").hidden = true;
  $("#groups").replaceChildren(el("p", { class: "muted" }, t("form_loading")));
  $("#checklist").hidden = false;
  let problem = null;
  const form = await fetchForm(location.type, state.lang, { onProblem: (error) => { problem = error; } });
  if (state.location !== location) return;
  const failed = problem ? `${t("form_failed")} (${problem.message}).` : null;
  if (!form) {
    $("#groups").replaceChildren(el("p", { class: "notice bad" }, failed || t("form_missing")));
    return;
  }
  if (state.view) state.view.destroy();
  state.form = form;
  // A follow-up visit: only the questions of the open findings' norms.
  const shown = state.followUp && state.findings.length
    ? followUpForm(form, state.findings.map((finding) => finding.norm))
    : form;
  state.view = renderForm($("#groups"), shown, t, { onChange: saveDraftSoon, photoMaxBytes });
  if (failed) $("#groups").prepend(el("p", { class: "notice bad" }, `${failed} ${t("form_kept")}`));
  if (previous) {
    state.view.setValues(previous);
    state.view.setPhotos(previous.photos || []);
  }
  if (restore && restore.fields) showApiErrors(restore.fields);
}

// The API's messages are English; the common ones are shown in the form's language.
const API_MESSAGES = [
  [/^must be at least (.+)$/, (m) => `${t("at_least")} ${m[1]}`],
  [/^must be at most (.+)$/, (m) => `${t("at_most")} ${m[1]}`],
  [/^must not exceed (\w+) \((.+)\)$/, (m) => `${t("not_more_than")} ${itemLabel(m[1])} (${m[2]})`],
  [/^must be a whole number/, () => t("whole_number")],
  [/^must be (a number|a finite number)$/, () => t("not_a_number")],
  [/^unknown item$/, () => t("unknown_item")],
  [/in the future/, () => t("in_future")],
];

function itemLabel(code) {
  for (const group of state.form ? state.form.groups : []) {
    const item = group.items.find((i) => i.code === code);
    if (item) return `“${item.label}”`;
  }
  return code;
}

function localise(fields) {
  const out = {};
  for (const [path, messages] of Object.entries(fields || {})) {
    out[path] = messages.map((message) => {
      for (const [pattern, say] of API_MESSAGES) {
        const match = message.match(pattern);
        if (match) return say(match);
      }
      return message;
    });
  }
  return out;
}

function showApiErrors(apiFields) {
  const fields = localise(apiFields);
  const unplaced = state.view.showErrors(fields);
  const general = Object.entries(unplaced).map(([path, messages]) => `${path}: ${messages.join(" ")}`);
  const box = $("#form-errors");
  box.textContent = [t("fix_fields"), ...general].join(" ");
  box.hidden = false;
  if (Object.keys(unplaced).length === Object.keys(fields).length) {
    box.scrollIntoView({ block: "center" });
  }
}

function resetChecklist() {
  if (state.view) state.view.destroy();
  state.view = null;
  state.form = null;
  state.location = null;
  $("#groups").replaceChildren();
  $("#first-check-slot").replaceChildren();
  state.findings = [];
  state.followUp = false;
  $("#incomplete").hidden = true;
  state.confirmedIncomplete = false;
  $("#checklist").hidden = true;
  $("#chosen").hidden = true;
  $("#picker").hidden = false;
  $("#progress").textContent = "";
}

// ---- Draft: an unfinished form survives a reload ----

function saveDraftSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveDraft, 300);
}

async function saveDraft() {
  if (!state.view || !state.location) return;
  const { answers, notes } = state.view.values();
  await store.put("kv", { location: state.location, answers, notes, photos: state.view.photos, followUp: state.followUp }, "draft");
}

async function restoreDraft() {
  const draft = await store.get("kv", "draft");
  if (draft && draft.location) await chooseLocation(draft.location, draft);
}

// ---- Sending ----

async function submit(event) {
  event.preventDefault();
  if (!state.view) return;
  const problems = state.view.validate();
  if (Object.keys(problems).length) {
    showApiErrors(problems);
    return;
  }
  state.view.clearErrors();
  $("#form-errors").hidden = true;
  const { answers, notes } = state.view.values();
  if (!Object.keys(answers).length) {
    $("#form-errors").textContent = t("nothing_answered");
    $("#form-errors").hidden = false;
    $("#form-errors").scrollIntoView({ block: "center" });
    return;
  }
  // An incomplete checklist goes only once the inspector has seen what is still open.
  const open = state.view.unansweredGroups();
  if (open.length && !state.confirmedIncomplete) {
    showIncomplete(open);
    return;
  }
  state.confirmedIncomplete = false;
  $("#incomplete").hidden = true;
  const body = {
    id: newId(),
    location: state.location.code,
    observed_at: localTimestamp(),
    answers,
    notes,
  };
  if (state.position) body.position = state.position;
  const meta = {
    code: state.location.code,
    name: state.location.name,
    type: state.location.type,
    user: storedSession() ? storedSession().user.username : null,
  };
  const photos = state.view.photos.map(({ id, norm, blob, name, type }) => ({ id, norm, blob, name, type }));
  state.lastSubmitted = body.id;
  clearTimeout(saveTimer);
  await store.delete("kv", "draft");
  resetChecklist();
  await outbox.add(body, photos, meta);
  $("#outbox").scrollIntoView({ block: "start" });
}

function showIncomplete(open) {
  const box = $("#incomplete");
  $("#incomplete-groups").replaceChildren(...open.map((group) => {
    const link = el("a", { href: `#group-${group.code}` }, group.title);
    return el("li", { dataset: { group: group.code } }, link,
      ` — ${t("open_of").replace("{open}", group.open).replace("{total}", group.total)}`);
  }));
  box.hidden = false;
  box.scrollIntoView({ block: "center" });
  box.focus({ preventScroll: true });
}

async function correct(id) {
  const item = (await outbox.items()).find((i) => i.id === id);
  if (!item) return;
  await outbox.remove(id);
  const restore = {
    answers: item.body.answers,
    notes: item.body.notes,
    photos: item.photos.filter((p) => p.blob),
    fields: item.fields || {},
  };
  const location = state.locations.find((l) => l.code === item.body.location) || { ...item.meta, municipality: "" };
  await chooseLocation(location, restore);
}

function handleUnauthorized() {
  // The form and the queue stay usable; sending waits for a new login.
  sessionUi.showLogin(t("login_again"), true);
}

// ---- Start ----

async function onSession(current) {
  // Managers and viewers send no inspections: they get a pointer to their pages, not the form.
  const maySubmit = VOCABULARY.submitters.includes(current.user.role);
  $("#role-notice").hidden = maySubmit;
  $("#form-work").hidden = !maySubmit;
  if (!maySubmit) return;
  if (!state.started) {
    state.started = true;
    await loadLocations();
    if (!state.location) await restoreDraft();
    // Once the inspector has had the chance to open a checklist, at the latest.
    setTimeout(getReadyOffline, OFFLINE_AFTER_MS);
  }
  outbox.flush();
}

/**
 * Keep the page and every checklist on the phone. This waits until the checklist the
 * inspector chose is on screen (or a few seconds), so that on a weak connection these
 * downloads do not hold up the first one.
 */
function getReadyOffline() {
  if (state.offlineAsked) return;
  state.offlineAsked = true;
  registerServiceWorker();
  prefetchForms();
}

async function prefetchForms() {
  if (!navigator.onLine) return;
  const failed = [];
  for (const type of VOCABULARY.location_types) {
    const kept = await store.get("kv", `form:${type}:${state.lang}`);
    const onProblem = (error) => failed.push(`${typeLabel(type, state.lang)}: ${error.message}`);
    if (!kept || kept.on !== today()) await fetchForm(type, state.lang, { fresh: true, onProblem });
  }
  if (failed.length) showProblem(`${t("offline_incomplete")} (${failed.join("; ")}).`);
}

async function setLanguage(lang) {
  if (lang === state.lang) return;
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  applyTexts();
  drawChoices();
  await outboxUi.draw();
  const last = (await outbox.sent())[0];
  if (!$("#result").hidden && last) await outboxUi.showResult(last);
  if (state.location) {
    drawFirstCheck();
    await showChecklist();
  }
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/form/sw.js", { scope: "/form" })
    .catch((error) => showProblem(`${t("offline_failed")} (${error.message}).`));
  navigator.serviceWorker.ready.then(() => {
    const ready = () => {
      $("#offline-ready").textContent = t("offline_ready");
      $("#offline-ready").dataset.ready = "true";
    };
    if (navigator.serviceWorker.controller) ready();
    else navigator.serviceWorker.addEventListener("controllerchange", ready, { once: true });
  });
}

const sessionUi = withSession(onSession, {
  allowExpired: true,
  texts: (key, fallback) => TEXTS[state.lang][key] || fallback,
  confirmLogout: async () => {
    const waiting = (await outbox.items()).length;
    return !waiting || window.confirm(t("logout_queue"));
  },
  onLogout: async () => {
    // The queue stays (unsent work is never thrown away); what was fetched for this user goes.
    state.started = false;
    state.locations = [];
    resetChecklist();
    drawChoices();
    for (const key of ["draft", "locations"]) await store.delete("kv", key);
    await outboxUi.draw();
  },
});

for (const button of document.querySelectorAll(".lang-switch button")) {
  button.addEventListener("click", () => setLanguage(button.dataset.lang));
}
$("#location-search").addEventListener("input", drawChoices);
$("#nearest").addEventListener("click", findNearest);
$("#change-location").addEventListener("click", async () => {
  await store.delete("kv", "draft");
  resetChecklist();
  $("#location-search").focus();
});
$("#checklist").addEventListener("submit", submit);
$("#send-incomplete").addEventListener("click", () => {
  state.confirmedIncomplete = true;
  $("#checklist").requestSubmit();
});
$("#keep-filling").addEventListener("click", () => {
  $("#incomplete").hidden = true;
  const first = $("#incomplete-groups a");
  const group = first && document.getElementById(first.getAttribute("href").slice(1));
  const input = group && group.closest("section").querySelector("input, select, textarea");
  if (input) input.focus();
});
// Once answers change, what was open must be looked at again before sending.
$("#groups").addEventListener("change", () => {
  if (!$("#incomplete").hidden) {
    state.confirmedIncomplete = false;
    const open = state.view ? state.view.unansweredGroups() : [];
    if (open.length) showIncomplete(open);
    else $("#incomplete").hidden = true;
  }
});
window.addEventListener("online", () => {
  showNetwork();
  // A checklist that could not be loaded offline is fetched as soon as the network returns.
  if (state.location && !state.view) showChecklist();
});
window.addEventListener("offline", showNetwork);
outbox.addEventListener("change", async (event) => {
  await outboxUi.draw();
  const detail = event.detail || {};
  if (detail.done) await outboxUi.showResult(detail.result);
  if (detail.rejected && detail.id === state.lastSubmitted && !state.location) {
    const item = (await outbox.items()).find((i) => i.id === detail.id);
    if (item && item.status === 422) await correct(item.id);
  }
});
outbox.addEventListener("unauthorized", handleUnauthorized);

applyTexts();
// A phone that has the worker already keeps it up to date from the first moment.
if ("serviceWorker" in navigator && navigator.serviceWorker.controller) getReadyOffline();
outboxUi.draw();
outbox.sent().then((sent) => outboxUi.showResult(sent[0]));
