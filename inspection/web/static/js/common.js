// Shared by every page: the session (bearer token in localStorage), API calls,
// the login form, status labels and small DOM helpers. No cookies are used.

import { ApiError, NetworkError } from "./api-errors.js";

export { ApiError, NetworkError };

export const API = "/api/v1";
const SESSION_KEY = "inspection.session";

/** The stored login, also when its token has expired (the phone form works on offline). */
export function storedSession() {
  try {
    const stored = JSON.parse(localStorage.getItem(SESSION_KEY));
    if (stored && stored.token && stored.user) return stored;
  } catch {
    // a damaged entry counts as logged out
  }
  return null;
}

/** The login whose token may still be used. */
export function session() {
  const stored = storedSession();
  return stored && new Date(stored.expires_at) > new Date() ? stored : null;
}

function saveSession(value) {
  localStorage.setItem(SESSION_KEY, JSON.stringify(value));
}

export function clearSession() {
  localStorage.removeItem(SESSION_KEY);
}

/** Call the JSON API with the bearer token. Resolves to {status, data}; throws ApiError or NetworkError. */
export async function api(path, { method = "GET", json, form } = {}) {
  const headers = { Accept: "application/json" };
  const current = session();
  if (current) headers.Authorization = `Bearer ${current.token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  let response;
  try {
    response = await fetch(API + path, { method, headers, body, credentials: "omit" });
  } catch (error) {
    throw new NetworkError(error.message);
  }
  if (response.status === 204) return { status: 204, data: null };
  const type = response.headers.get("Content-Type") || "";
  let data;
  if (type.includes("json")) {
    try {
      data = await response.json();
    } catch (error) {
      // A success whose body broke off on the way is retried like a lost answer; an error's
      // unreadable body leaves the status to speak for it (ApiError below).
      if (response.ok) throw new NetworkError(error.message);
      data = null;
    }
  } else {
    data = await response.blob();
  }
  if (!response.ok) throw new ApiError(response.status, data, response.headers);
  return { status: response.status, data };
}

/** Every page of a paginated list. */
export async function allPages(path, perPage = 500) {
  const items = [];
  const join = path.includes("?") ? "&" : "?";
  for (let page = 1; page < 1000; page += 1) {
    const { data } = await api(`${path}${join}per_page=${perPage}&page=${page}`);
    items.push(...data.items);
    if (items.length >= data.total || data.items.length === 0) break;
  }
  return items;
}

// ---- DOM helpers: text only, never HTML strings from data. ----

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

// ---- The pages' language: Dutch, or English when chosen (kept on the device). ----

export const LANG_KEY = "inspection.lang";
export const LANG = localStorage.getItem(LANG_KEY) === "en" ? "en" : "nl";

/** The text in the pages' language. */
export function tr(nl, en) {
  return LANG === "en" ? en : nl;
}

// What the login and the header say when a page brings no texts of its own.
const SESSION_EN = {
  logged_in_as: "Logged in as", login_failed: "Unknown user or wrong password.",
  login_offline: "No connection: logging in needs the network.", login_throttled: "Too many failed attempts; try again later.",
  role_inspector: "inspector", role_manager: "location manager", role_coordinator: "coordinator", role_viewer: "viewer",
};

/** In English, the fixed texts of the page from the template (``data-en``, ``data-en-label``). */
function translatePage() {
  if (LANG !== "en") return;
  document.documentElement.lang = "en";
  for (const node of document.querySelectorAll("[data-en]")) node.textContent = node.dataset.en;
  for (const node of document.querySelectorAll("[data-en-label]")) node.setAttribute("aria-label", node.dataset.enLabel);
  if (document.body.dataset.titleEn) document.title = document.body.dataset.titleEn;
}

/** The NL/EN switch of the pages other than the form: keeps the choice and draws the page again. */
function languageSwitch() {
  for (const button of document.querySelectorAll(".lang-switch[data-reload] button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === LANG));
    button.addEventListener("click", () => {
      if (button.dataset.lang === LANG) return;
      localStorage.setItem(LANG_KEY, button.dataset.lang);
      window.location.reload();
    });
  }
}

translatePage();
languageSwitch();

// ---- Messages: what a page says in its message areas, and what went wrong. ----

/**
 * Show ``text`` in a page's message area (a selector or a node, ``role="status"`` in the
 * template); ``bad`` marks it as a problem.
 */
export function say(target, text, bad = false) {
  const node = typeof target === "string" ? $(target) : target;
  node.textContent = text;
  node.classList.toggle("notice", bad);
  node.classList.toggle("bad", bad);
}

/** A failed call in words: no connection, the fields the API named, or its message. */
export function problemText(error) {
  if (error instanceof NetworkError) return tr("Geen verbinding met de server.", "No connection to the server.");
  if (error instanceof ApiError && Object.keys(error.fields).length) {
    return Object.entries(error.fields).map(([field, messages]) => `${field}: ${[messages].flat().join(", ")}`).join("; ");
  }
  return error && error.message ? error.message : String(error);
}

/**
 * Say what went wrong where the page has no place of its own for it: the alert above the
 * content (``#problems`` in base.html). The same text is said once.
 */
export function showProblem(text) {
  const box = document.getElementById("problems");
  if (!box || [...box.children].some((node) => node.textContent === text)) return;
  box.append(el("p", { class: "notice bad" }, text));
}

// A failure no page code caught (a store the browser refuses, a bug) is said rather than
// lost in the console: the page may otherwise just stop without a word.
window.addEventListener("unhandledrejection", (event) => {
  showProblem(`${tr("Er ging iets mis", "Something went wrong")}: ${problemText(event.reason)}`);
});

export function sessionExpired() {
  return tr("Uw sessie is verlopen. Log opnieuw in.", "Your session has expired. Log in again.");
}

/** "and 3 more", under a list cut short. */
export function andMore(count) {
  return tr(`en nog ${count} andere`, `and ${count} more`);
}

/** "2 findings overdue" at a location. */
export function overdueText(count) {
  return count === 1
    ? tr("1 bevinding over de termijn", "1 finding overdue")
    : tr(`${count} bevindingen over de termijn`, `${count} findings overdue`);
}

// ---- The service's vocabulary (inspection/vocabulary.py), served with every page. ----

export const VOCABULARY = JSON.parse(document.body.dataset.vocabulary || "{}");

// A location type's name in the pages' language; the types are data, so an unknown code
// (added since the page loaded) shows as itself.
export function typeLabel(code, lang = LANG) {
  const labels = (VOCABULARY.location_type_labels || {})[lang] || {};
  return labels[code] || code;
}

// ---- Statuses and formatting. ----

const STATUSES = JSON.parse(document.body.dataset.statuses || "[]");
export const STATUS_ORDER = STATUSES.map((s) => s.code);

export function statusLabel(code, lang = LANG) {
  const status = STATUSES.find((s) => s.code === code);
  return status ? status.label[lang] || status.label.nl : code;
}

export function statusColours() {
  return Object.fromEntries(STATUSES.map((s) => [s.code, s]));
}

export function badge(code, lang = LANG) {
  return el("span", { class: `badge status-${code}`, dataset: { status: code } }, statusLabel(code, lang));
}

export function formatScore(value, lang = LANG) {
  if (value === null || value === undefined) return lang === "en" ? "no score" : "geen score";
  return value.toLocaleString(lang === "en" ? "en-GB" : "nl-NL", {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
}

/** The calendar day of an ISO timestamp as the phone recorded it (its own offset), e.g. "20 nov. 2026". */
export function formatDay(iso, lang = LANG) {
  if (!iso) return "";
  const [year, month, day] = iso.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString(lang === "en" ? "en-GB" : "nl-NL", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** Whole days from today (local) to an ISO date, negative once it has passed. */
export function daysUntil(iso) {
  const [year, month, day] = iso.slice(0, 10).split("-").map(Number);
  const now = new Date();
  return Math.round((Date.UTC(year, month - 1, day) - Date.UTC(now.getFullYear(), now.getMonth(), now.getDate())) / 86400000);
}

// The units of the checklists' numbers, as the pages write them.
export const UNIT_LABELS = {
  nl: { m2: "m²", days: "dagen", persons: "personen", families: "gezinnen", toilets: "toiletten", showers: "douches", meals: "maaltijden", relocations: "verhuizingen" },
  en: { m2: "m²", days: "days", persons: "persons", families: "families", toilets: "toilets", showers: "showers", meals: "meals", relocations: "relocations" },
};

const normSets = new Map();

/**
 * A norm set's titles (in the pages' language) and items by code, fetched once per
 * version (``ref``: {catalogue, version} or "catalogue/version"). A failure is not kept,
 * so that the next call tries again; it rejects for the caller to say.
 */
export function normSet(ref) {
  const [catalogue, version] = typeof ref === "string" ? ref.split("/") : [ref.catalogue, ref.version];
  const key = `${catalogue}/${version}`;
  if (!normSets.has(key)) {
    const loading = api(`/norm-sets/${encodeURIComponent(catalogue)}/${encodeURIComponent(version)}`)
      .then(({ data }) => ({
        titles: Object.fromEntries(data.document.norms.map((n) => [n.code, n.title[LANG] || n.title.nl])),
        items: Object.fromEntries(data.document.items.map((i) => [i.code, i])),
      }));
    loading.catch(() => normSets.delete(key)); // the caller says what failed; this only forgets it
    normSets.set(key, loading);
  }
  return normSets.get(key);
}

const SEVERITY_RANK = { critical: 0, major: 1, minor: 2 };

/** Failed results, critical first (effective severity), then by norm code. */
export function sortFailed(results) {
  return results
    .filter((r) => r.outcome === "fail")
    .sort((a, b) => (SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]) || a.norm.localeCompare(b.norm));
}

/**
 * A failed norm in a list: its code, its title and, when the failure was critical, "(kritiek)",
 * unless the title already speaks of its critical bound ("(kritiek onder 3,5 m²)").
 */
export function failedNormItem(code, title, critical, lang = LANG) {
  const word = lang === "en" ? "critical" : "kritiek";
  const said = (title || "").toLowerCase().includes(word);
  return el("li", { dataset: { norm: code, severity: critical ? "critical" : null }, class: critical ? "critical" : null },
    el("strong", {}, code), title ? ` ${title}` : "",
    critical && !said ? el("span", { class: "severity-critical" }, ` (${word})`) : null);
}

function number(value, lang) {
  return Number(value).toLocaleString(lang === "en" ? "en-GB" : "nl-NL", { maximumFractionDigits: 2 });
}

/** What a visit found against the norm: "gevonden 2,8 · norm ten minste 4 (kritiek onder 3,5)". */
export function foundText(value, threshold, lang = LANG) {
  const en = lang === "en";
  const shown = (v) => {
    if (v === true) return en ? "yes" : "ja";
    if (v === false) return en ? "no" : "nee";
    if (typeof v === "number") return number(v, lang);
    if (v === null || v === undefined) return en ? "not known" : "onbekend";
    return String(v);
  };
  const parts = [];
  const t = threshold || {};
  if ("equals" in t) parts.push(`${en ? "required" : "vereist"} ${shown(t.equals)}`);
  if (t.min !== undefined) parts.push(`${en ? "at least" : "ten minste"} ${number(t.min, lang)}`);
  if (t.max !== undefined) parts.push(`${en ? "at most" : "ten hoogste"} ${number(t.max, lang)}`);
  if (t.critical_min !== undefined) parts.push(`(${en ? "critical below" : "kritiek onder"} ${number(t.critical_min, lang)})`);
  if (t.critical_max !== undefined) parts.push(`(${en ? "critical above" : "kritiek boven"} ${number(t.critical_max, lang)})`);
  const found = `${en ? "found" : "gevonden"} ${shown(value)}`;
  return parts.length ? `${found} · ${en ? "norm" : "norm"} ${parts.join(" ")}` : found;
}

/** Whole days from an ISO date or timestamp to today (local), at least 0. */
export function daysSince(iso) {
  if (!iso) return null;
  const [year, month, day] = iso.slice(0, 10).split("-").map(Number);
  const then = Date.UTC(year, month - 1, day);
  const now = new Date();
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.max(0, Math.round((today - then) / 86400000));
}

export const ROLE_LABELS = {
  inspector: "inspecteur",
  manager: "locatiebeheerder",
  coordinator: "coördinator",
  viewer: "kijker",
};

// ---- Logging in and out. ----

/**
 * Show the login form until there is a session, then the page's content.
 * ``onSession(session)`` runs once logged in; ``confirmLogout()`` may stop a logout;
 * ``onLogout()`` runs after logging out.
 */
export function withSession(onSession, { onLogout, confirmLogout, texts, allowExpired = false } = {}) {
  const login = $("#login");
  const content = $("#content");
  const box = $("#session");
  const say = texts || ((key, fallback) => (LANG === "en" && SESSION_EN[key]) || fallback);

  function showLoggedIn(current) {
    login.hidden = true;
    content.hidden = false;
    box.hidden = false;
    showUser(current);
    onSession(current);
  }

  /** Who is logged in, in the header. */
  function showUser(current) {
    showRole(current.user.role);
    const role = say(`role_${current.user.role}`, ROLE_LABELS[current.user.role] || current.user.role);
    // The role only where it adds something: not after a user name that already says it.
    const sameAsName = current.user.username.toLowerCase() === role.toLowerCase();
    $("#session-user").replaceChildren(...[
      el("span", { class: "phone-hidden" }, `${say("logged_in_as", "Ingelogd als")} `),
      el("span", { class: "name" }, current.user.username),
      sameAsName ? null : el("span", { class: "role phone-hidden" }, ` (${role})`),
    ].filter(Boolean));
  }

  /** The login form; with ``keepContent`` above the page (work in progress stays visible). */
  function showLogin(message, keepContent = false) {
    content.hidden = keepContent ? content.hidden : true;
    box.hidden = keepContent ? box.hidden : true;
    login.hidden = false;
    $("#login-error").textContent = message || "";
    const stored = storedSession();
    if (stored && !$("#login-username").value) $("#login-username").value = stored.user.username;
    (stored ? $("#login-password") : $("#login-username")).focus();
  }

  $("#login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = $("#login-username").value.trim();
    const password = $("#login-password").value;
    $("#login-error").textContent = "";
    try {
      const { data } = await api("/auth/tokens", { method: "POST", json: { username, password } });
      saveSession(data);
      $("#login-password").value = "";
      showLoggedIn(data);
    } catch (error) {
      if (error instanceof NetworkError) showLogin(say("login_offline", "Geen verbinding: inloggen kan alleen met netwerk."));
      else if (error.status === 429) showLogin(say("login_throttled", "Te veel mislukte pogingen; probeer het later opnieuw."));
      else if (error.status === 401) showLogin(say("login_failed", "Onbekende gebruiker of verkeerd wachtwoord."));
      else showLogin(error.message);
    }
  });

  /** What a role may use: the form tab only for the roles that send inspections. */
  function showRole(role) {
    document.body.dataset.role = role || "";
    for (const node of document.querySelectorAll("[data-for-submitters]")) {
      node.hidden = !role || !(VOCABULARY.submitters || []).includes(role);
    }
  }

  $("#logout").addEventListener("click", async () => {
    if (confirmLogout && !(await confirmLogout())) return;
    try {
      await api("/auth/tokens/current", { method: "DELETE" });
    } catch {
      // offline or already expired: forgetting the token here is what matters
    }
    clearSession();
    if ("caches" in window) await caches.delete("form-data");
    if (onLogout) await onLogout();
    showRole(null);
    showLogin();
  });

  const current = allowExpired ? storedSession() : session();
  if (current) showLoggedIn(current);
  else showLogin();
  return { showLogin, showUser };
}
