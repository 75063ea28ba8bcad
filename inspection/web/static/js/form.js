// The phone form: log in, pick a location (search or nearest), fill the
// checklist, queue the submission on the phone and send it when there is network.

import { $, NetworkError, allPages, api, badge, el, formatDay, formatScore, sortFailed, storedSession, withSession } from "./common.js";
import { renderForm } from "./form-view.js";
import { Outbox, localTimestamp, newId } from "./queue.js";
import { store } from "./store.js";

const TEXTS = {
  nl: {
    logout: "Uitloggen", login_title: "Inloggen", username: "Gebruikersnaam", password: "Wachtwoord", login: "Inloggen",
    logged_in_as: "Ingelogd als", login_failed: "Onbekende gebruiker of verkeerd wachtwoord.",
    login_offline: "Geen verbinding: inloggen kan alleen met netwerk.", login_throttled: "Te veel mislukte pogingen; probeer het later opnieuw.",
    login_again: "Uw sessie is verlopen. Log opnieuw in; de wachtrij blijft bewaard.",
    form_title: "Inspectieformulier", result_title: "Resultaat", outbox_title: "Wachtrij", pick_title: "Locatie kiezen",
    search_label: "Zoek op naam of code", nearest: "Dichtstbij mij", chosen_location: "Gekozen locatie",
    change_location: "Andere locatie", photos_title: "Foto's", photos_help: "Foto's worden na de inspectie verstuurd.",
    submit: "Versturen", yes: "Ja", no: "Nee", unanswered: "Niet beantwoord", note_for: "Opmerking bij",
    photo_for: "Foto bij", note_or_photo: "Opmerking of foto toevoegen", add_photo: "Foto toevoegen (algemeen)", photo: "Foto", remove: "Verwijderen",
    photo_type: "Alleen JPEG- of PNG-foto's.", photo_size: "Deze foto is te groot.",
    not_a_number: "Vul een getal in.", whole_number: "Alleen hele getallen.", at_least: "Minimaal", at_most: "Maximaal",
    not_more_than: "Niet meer dan", answered: "beantwoord", unknown_item: "Onbekende vraag voor deze normenset.",
    in_future: "Het tijdstip ligt in de toekomst: controleer de klok van de telefoon.",
    online: "Online: inspecties worden direct verstuurd.", offline: "Offline: inspecties worden op de telefoon bewaard en verstuurd zodra er netwerk is.",
    offline_ready: "Dit formulier werkt ook zonder netwerk.",
    locations_loading: "Locaties laden…", locations_cached: "Geen netwerk: de laatst opgehaalde locaties.",
    locations_none: "Geen locaties beschikbaar. Maak verbinding met het netwerk.", no_match: "Geen locatie gevonden.",
    locating: "Positie bepalen…", located: "Gesorteerd op afstand tot uw positie.", no_position: "Positie niet beschikbaar",
    form_loading: "Formulier laden…", form_missing: "Dit formulier is niet op de telefoon beschikbaar. Maak verbinding met het netwerk.",
    role_cannot_submit: "Alleen inspecteurs en coördinatoren kunnen inspecties versturen.",
    fix_fields: "Controleer de gemarkeerde velden.",
    queued: "In de wachtrij: wordt verstuurd zodra er netwerk is.", queued_saved: "Opgeslagen op de telefoon.",
    retry_at: "Geen verbinding; nieuwe poging om", waits_for: "Wordt verstuurd zodra deze inspecteur weer inlogt:",
    logout_queue: "Er staan nog inspecties in de wachtrij. Ze blijven op de telefoon en worden verstuurd als u weer inlogt. Toch uitloggen?", needs_login: "Log opnieuw in om te versturen.",
    sending_photos: "Inspectie ontvangen; foto's worden verstuurd", of: "van",
    conflict: "Conflict (409): dit id is al gebruikt voor een andere inspectie. Deze inspectie is niet opgeslagen.",
    rejected: "Afgewezen", send_now: "Nu versturen", send_as_new: "Als nieuwe inspectie versturen", correct: "Corrigeren",
    delete: "Verwijderen", delete_confirm: "Deze inspectie van de telefoon verwijderen? Ze is niet verstuurd.",
    score: "Score", coverage: "Ingevuld", failed_norms: "Niet gehaalde normen", all_passed: "Alle beoordeelde normen gehaald.",
    critical: "kritiek", photo_sent: "foto verstuurd", photos_sent: "foto's verstuurd", photos_refused: "Foto niet geaccepteerd",
    sent_at: "Verstuurd", visit: "Bezoek",
  },
  en: {
    logout: "Log out", login_title: "Log in", username: "User name", password: "Password", login: "Log in",
    logged_in_as: "Logged in as", login_failed: "Unknown user or wrong password.",
    login_offline: "No connection: logging in needs the network.", login_throttled: "Too many failed attempts; try again later.",
    login_again: "Your session has expired. Log in again; the queue is kept.",
    form_title: "Inspection form", result_title: "Result", outbox_title: "Queue", pick_title: "Choose a location",
    search_label: "Search by name or code", nearest: "Nearest to me", chosen_location: "Chosen location",
    change_location: "Other location", photos_title: "Photos", photos_help: "Photos are sent after the inspection.",
    submit: "Send", yes: "Yes", no: "No", unanswered: "Not answered", note_for: "Note on",
    photo_for: "Photo for", note_or_photo: "Add a note or photo", add_photo: "Add a photo (general)", photo: "Photo", remove: "Remove",
    photo_type: "JPEG or PNG photos only.", photo_size: "This photo is too large.",
    not_a_number: "Enter a number.", whole_number: "Whole numbers only.", at_least: "At least", at_most: "At most",
    not_more_than: "Not more than", answered: "answered", unknown_item: "Unknown question for this norm set.",
    in_future: "The time lies in the future: check the phone's clock.",
    online: "Online: inspections are sent straight away.", offline: "Offline: inspections are kept on the phone and sent when the network returns.",
    offline_ready: "This form also works without network.",
    locations_loading: "Loading locations…", locations_cached: "No network: the locations fetched last.",
    locations_none: "No locations available. Connect to the network.", no_match: "No location found.",
    locating: "Finding your position…", located: "Sorted by distance from your position.", no_position: "Position not available",
    form_loading: "Loading the form…", form_missing: "This form is not on the phone. Connect to the network.",
    role_cannot_submit: "Only inspectors and coordinators can send inspections.",
    fix_fields: "Check the marked fields.",
    queued: "Queued: will be sent when the network returns.", queued_saved: "Saved on the phone.",
    retry_at: "No connection; next attempt at", waits_for: "Will be sent when this inspector logs in again:",
    logout_queue: "Inspections are still queued. They stay on the phone and are sent when you log in again. Log out anyway?", needs_login: "Log in again to send.",
    sending_photos: "Inspection received; sending photos", of: "of",
    conflict: "Conflict (409): this id was already used for another inspection. This inspection was not stored.",
    rejected: "Refused", send_now: "Send now", send_as_new: "Send as a new inspection", correct: "Correct",
    delete: "Delete", delete_confirm: "Delete this inspection from the phone? It has not been sent.",
    score: "Score", coverage: "Filled in", failed_norms: "Norms not met", all_passed: "All assessed norms were met.",
    critical: "critical", photo_sent: "photo sent", photos_sent: "photos sent", photos_refused: "Photo not accepted",
    sent_at: "Sent", visit: "Visit",
  },
};

const LANG_KEY = "inspection.lang";
const state = {
  lang: localStorage.getItem(LANG_KEY) === "en" ? "en" : "nl",
  locations: [],
  location: null,
  form: null,
  view: null,
  position: null,
  lastSubmitted: null,
  started: false,
};
const page = $("#form-page");
const photoMaxBytes = Number(page.dataset.photoMaxBytes) || 0;
const outbox = new Outbox();
let saveTimer = null;

function t(key) {
  return TEXTS[state.lang][key] ?? TEXTS.nl[key] ?? key;
}

function applyTexts() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
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
  $("#picker-state").textContent = t("locations_loading");
  try {
    state.locations = await allPages("/locations");
    await store.put("kv", state.locations, "locations");
    $("#picker-state").textContent = "";
  } catch (error) {
    if (!(error instanceof NetworkError)) {
      if (error.status === 401) return handleUnauthorized();
      $("#picker-state").textContent = error.message;
    }
    state.locations = (await store.get("kv", "locations")) || [];
    $("#picker-state").textContent = state.locations.length ? t("locations_cached") : t("locations_none");
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
  let list = state.locations.filter((loc) => !query || normalise(loc.name).includes(query) || normalise(loc.code).includes(query));
  if (state.position) {
    list = list
      .map((loc) => ({ loc, km: loc.latitude === null ? Infinity : distanceKm(state.position, loc) }))
      .sort((a, b) => a.km - b.km)
      .map(({ loc, km }) => ({ ...loc, km }));
  } else {
    list = [...list].sort((a, b) => a.name.localeCompare(b.name, "nl"));
  }
  const shown = list.slice(0, 30);
  $("#location-results").replaceChildren(...shown.map((loc) => {
    const distance = Number.isFinite(loc.km) ? ` · ${loc.km.toLocaleString(state.lang === "en" ? "en-GB" : "nl-NL", { maximumFractionDigits: 1 })} km` : "";
    const button = el("button", { type: "button", dataset: { code: loc.code } },
      el("span", {}, el("span", { class: "name" }, loc.name), el("br"),
        el("span", { class: "small muted" }, `${loc.code} · ${loc.type} · ${loc.municipality}${distance}`)));
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

async function fetchForm(type, lang) {
  const key = `form:${type}:${lang}`;
  try {
    const { data } = await api(`/forms/${encodeURIComponent(type)}?lang=${lang}`);
    await store.put("kv", data, key);
    return data;
  } catch (error) {
    if (!(error instanceof NetworkError) && error.status === 401) handleUnauthorized();
    return (await store.get("kv", key)) || null;
  }
}

async function chooseLocation(location, restore) {
  state.location = location;
  $("#picker").hidden = true;
  $("#chosen").hidden = false;
  $("#chosen-name").textContent = location.name;
  $("#chosen-meta").textContent = `${location.code} · ${location.type} · ${location.municipality}`;
  await showChecklist(restore);
}

async function showChecklist(restore) {
  const location = state.location;
  const previous = restore || (state.view ? { ...state.view.values(), photos: state.view.photos } : null);
  $("#form-errors").hidden = true;
  $("#groups").replaceChildren(el("p", { class: "muted" }, t("form_loading")));
  $("#checklist").hidden = false;
  const form = await fetchForm(location.type, state.lang);
  if (state.location !== location) return;
  if (!form) {
    $("#groups").replaceChildren(el("p", { class: "notice bad" }, t("form_missing")));
    return;
  }
  if (state.view) state.view.destroy();
  state.form = form;
  state.view = renderForm($("#groups"), form, t, { onChange: saveDraftSoon, photoMaxBytes });
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
  await store.put("kv", { location: state.location, answers, notes, photos: state.view.photos }, "draft");
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

function itemState(item) {
  if (item.state === "conflict") return t("conflict");
  if (item.state === "rejected") return `${t("rejected")} (${item.status}): ${item.problem}`;
  if (item.state === "photos") {
    const done = item.photos.filter((p) => p.state !== "waiting").length;
    return `${t("sending_photos")} (${done} ${t("of")} ${item.photos.length}).`;
  }
  const current = storedSession();
  if (item.meta && item.meta.user && (!current || current.user.username !== item.meta.user)) {
    return `${t("queued")} ${t("waits_for")} ${item.meta.user}.`;
  }
  if (item.problem === "login") return t("needs_login");
  if (item.problem && outbox.nextTry) {
    const at = new Date(outbox.nextTry).toLocaleTimeString(state.lang === "en" ? "en-GB" : "nl-NL", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    return `${t("queued")} ${t("retry_at")} ${at}.`;
  }
  return t("queued");
}

async function drawOutbox() {
  const items = await outbox.items();
  $("#outbox").hidden = items.length === 0;
  $("#outbox-items").replaceChildren(...items.map((item) => {
    const actions = el("p", { class: "row" });
    if (item.state === "queued") actions.append(action(t("send_now"), () => outbox.flush()));
    if (item.state === "rejected" && item.status === 422) actions.append(action(t("correct"), () => correct(item.id)));
    if (item.state === "conflict") actions.append(action(t("send_as_new"), () => outbox.resendAsNew(item.id)));
    if (item.state === "conflict" || item.state === "rejected" || item.state === "queued") {
      actions.append(action(t("delete"), () => {
        if (window.confirm(t("delete_confirm"))) outbox.remove(item.id);
      }));
    }
    const bad = item.state === "conflict" || item.state === "rejected";
    return el("li", { dataset: { id: item.id, state: item.state } },
      el("strong", {}, item.meta ? item.meta.name : item.body.location),
      el("span", { class: "muted small" }, ` · ${t("visit")} ${formatDay(item.body.observed_at, state.lang)} ${item.body.observed_at.slice(11, 16)}`),
      el("p", { class: `notice small${bad ? " bad" : ""}` }, itemState(item)),
      actions);
  }));
}

function action(text, handler) {
  const button = el("button", { type: "button" }, text);
  button.addEventListener("click", handler);
  return button;
}

async function titlesFor(type) {
  const titles = {};
  for (const lang of [state.lang === "en" ? "nl" : "en", state.lang]) {
    const form = await store.get("kv", `form:${type}:${lang}`);
    for (const group of form ? form.groups : []) for (const norm of group.norms) titles[norm.code] = norm.title;
  }
  return titles;
}

async function showResult(done) {
  if (!done) return;
  const result = done.result;
  const titles = await titlesFor(done.meta ? done.meta.type : "");
  const failed = sortFailed(result.results || []);
  const coverage = result.score.coverage === null ? "–" : `${formatScore(result.score.coverage, state.lang)}%`;
  const body = [
    el("p", { class: "muted" }, `${done.meta ? done.meta.name : result.location} · ${formatDay(result.observed_at, state.lang)}`),
    el("p", {}, el("span", { class: "visually-hidden" }, `${t("score")}: `),
      el("span", { class: "score", dataset: { testid: "score" } }, formatScore(result.score.overall, state.lang)),
      el("span", { class: "muted" }, " / 100")),
    el("p", {}, badge(result.score.status, state.lang)),
    el("p", { class: "small" }, `${t("coverage")}: ${coverage}`),
    el("h3", {}, t("failed_norms")),
  ];
  if (failed.length) {
    body.push(el("ul", { class: "failed", dataset: { testid: "failed-norms" } }, failed.map((r) =>
      el("li", { dataset: { norm: r.norm } },
        el("strong", {}, r.norm), " ", titles[r.norm] || "",
        r.severity === "critical" ? el("span", { class: "severity-critical" }, ` (${t("critical")})`) : null))));
  } else {
    body.push(el("p", {}, t("all_passed")));
  }
  if (done.photos) body.push(el("p", { class: "small muted" }, `${done.photos} ${t(done.photos === 1 ? "photo_sent" : "photos_sent")}`));
  for (const refused of done.refusedPhotos || []) {
    body.push(el("p", { class: "small error" }, `${t("photos_refused")}: ${refused.name} (${refused.problem})`));
  }
  $("#result-body").replaceChildren(...body);
  $("#result").hidden = false;
  $("#result").dataset.inspection = done.id;
}

function handleUnauthorized() {
  // The form and the queue stay usable; sending waits for a new login.
  sessionUi.showLogin(t("login_again"), true);
}

// ---- Start ----

async function onSession(current) {
  const maySubmit = ["inspector", "coordinator"].includes(current.user.role);
  $("#role-notice").hidden = maySubmit;
  $("#submit").disabled = !maySubmit;
  if (!state.started) {
    state.started = true;
    await loadLocations();
    if (!state.location) await restoreDraft();
    prefetchForms();
  }
  outbox.flush();
}

function prefetchForms() {
  if (!navigator.onLine) return;
  for (const type of ["azc", "noodopvang", "crisisnoodopvang"]) {
    store.get("kv", `form:${type}:${state.lang}`).then(() => fetchForm(type, state.lang));
  }
}

async function setLanguage(lang) {
  if (lang === state.lang) return;
  state.lang = lang;
  localStorage.setItem(LANG_KEY, lang);
  applyTexts();
  drawChoices();
  await drawOutbox();
  const last = (await outbox.sent())[0];
  if (!$("#result").hidden && last) await showResult(last);
  if (state.location) await showChecklist();
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/form/sw.js", { scope: "/form" }).catch(() => {});
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
    await drawOutbox();
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
window.addEventListener("online", showNetwork);
window.addEventListener("offline", showNetwork);
outbox.addEventListener("change", async (event) => {
  await drawOutbox();
  const detail = event.detail || {};
  if (detail.done) await showResult(detail.result);
  if (detail.rejected && detail.id === state.lastSubmitted && !state.location) {
    const item = (await outbox.items()).find((i) => i.id === detail.id);
    if (item && item.status === 422) await correct(item.id);
  }
});
outbox.addEventListener("unauthorized", handleUnauthorized);

applyTexts();
registerServiceWorker();
drawOutbox();
outbox.sent().then((sent) => showResult(sent[0]));
