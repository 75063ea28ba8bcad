// The manager's view: the locations the user may see, worst first, with the
// latest status, score, date of the last visit and the failed norms.

import { $, ApiError, LANG, STATUS_ORDER, allPages, andMore, badge, el, failedNormItem, formatDay, formatScore, overdueText, problemText, say, sessionExpired, showProblem, tr, typeLabel, withSession } from "./common.js";

const MAX_NORMS_SHOWN = 5;
let locations = [];
let ui = null;

/** The location's score: its current picture's, or (before it had one) its latest visit's. */
function scoreOf(location) {
  if ("overall" in location) return location.overall;
  return location.latest ? location.latest.overall : null;
}

function rank(location) {
  const score = scoreOf(location);
  return [STATUS_ORDER.indexOf(location.status), score ?? (location.latest ? -1 : 101)];
}

/** Since when it is below the norms; the findings past their deadline follow (drawOverdue). */
function trouble(location) {
  const since = location.failing_since && ["critical", "below_norm"].includes(location.status)
    ? el("span", { class: "since" }, `${tr("Onder de norm sinds", "Below the norms since")} ${formatDay(location.failing_since)}`)
    : null;
  return el("p", { class: "facts trouble", hidden: !since }, since, el("span", { class: "overdue" }));
}

/** The open findings past their deadline, counted per location (not for viewers). */
async function drawOverdue(items) {
  let overdue;
  try {
    overdue = await allPages("/findings?overdue=true");
  } catch (error) {
    // A role that does not read findings (403) has none to count; anything else is said.
    if (!(error instanceof ApiError && error.status === 403)) {
      showProblem(`${tr("De bevindingen over de termijn konden niet worden geladen", "The overdue findings could not be loaded")}: ${problemText(error)}`);
    }
    return;
  }
  const counts = {};
  for (const finding of overdue) counts[finding.location] = (counts[finding.location] || 0) + 1;
  for (const { location, node } of items) {
    const count = counts[location.code] || 0;
    if (!count) continue;
    node.dataset.overdue = String(count);
    node.querySelector(".overdue").textContent = overdueText(count);
    node.querySelector(".trouble").hidden = false;
  }
}

function compare(a, b) {
  const [sa, xa] = rank(a);
  const [sb, xb] = rank(b);
  return sa - sb || xa - xb || a.name.localeCompare(b.name, "nl");
}

function card(location) {
  const latest = location.latest;
  // A masked location has no page of its own to open.
  const title = location.masked
    ? location.name
    : el("a", { href: `/locations/${encodeURIComponent(location.code)}` }, location.name);
  return el("li", { dataset: { code: location.code, status: location.status } },
    el("h3", {}, title),
    el("p", { class: "muted small" }, `${location.code} · ${typeLabel(location.type)} · ${location.municipality}, ${location.province}`),
    el("p", {}, badge(location.status), el("span", { class: "reason" })),
    trouble(location),
    el("p", { class: "facts" },
      el("span", {}, `${tr("Score", "Score")}: ${scoreOf(location) === null ? "–" : formatScore(scoreOf(location))}`),
      el("span", {}, `${tr("Laatste bezoek", "Latest visit")}: ${latest ? formatDay(latest.observed_at) : tr("nog geen", "none yet")}`)),
    el("div", { class: "failed-norms", "aria-live": "polite" }));
}

function drawFailed(item, failed) {
  const box = item.querySelector(".failed-norms");
  // A high score next to "Kritiek" needs its reason: the norms that made it critical.
  const critical = failed.filter((norm) => norm.severity === "critical").map((norm) => norm.norm);
  item.querySelector(".reason").textContent = item.dataset.status === "critical" && critical.length
    ? ` ${tr("kritiek door", "critical because of")} ${critical.join(", ")}`
    : "";
  if (!failed.length) {
    box.replaceChildren();
    return;
  }
  const shown = failed.slice(0, MAX_NORMS_SHOWN);
  const list = el("ul", { class: "failed" }, shown.map((norm) =>
    failedNormItem(norm.norm, norm.title[LANG] || norm.title.nl, norm.severity === "critical")));
  const more = failed.length - shown.length;
  box.replaceChildren(...[el("h4", {}, tr("Niet gehaalde normen", "Norms not met")), list,
    more > 0 ? el("p", { class: "small muted" }, andMore(more)) : null].filter(Boolean));
}

/** One folding group per status, worst first, with its count; on a phone only the worst is open. */
function groups(items) {
  const phone = window.matchMedia("(max-width: 47.99em)").matches;
  const nodes = [];
  for (const status of STATUS_ORDER) {
    const members = items.filter((item) => item.location.status === status);
    if (!members.length) continue;
    const details = el("details", { class: "status-group", dataset: { status }, open: !phone || !nodes.length },
      el("summary", {}, el("h2", {}, badge(status), el("span", { class: "count" }, ` ${members.length}`))),
      el("ul", { class: "locations" }, members.map((item) => item.node)));
    nodes.push(details);
  }
  return nodes;
}

function applyFilter() {
  const text = $("#filter-text").value.trim().toLowerCase();
  const status = $("#filter-status").value;
  let shown = 0;
  for (const group of $("#locations").children) {
    let inGroup = 0;
    for (const node of group.querySelectorAll("li[data-code]")) {
      const location = locations.find((l) => l.code === node.dataset.code);
      const haystack = `${location.name} ${location.code} ${location.municipality}`.toLowerCase();
      const visible = (!text || haystack.includes(text)) && (!status || location.status === status);
      node.hidden = !visible;
      if (visible) inGroup += 1;
    }
    group.hidden = inGroup === 0;
    group.querySelector(".count").textContent = ` ${inGroup}`;
    // A search opens the groups where it found something.
    if ((text || status) && inGroup) group.open = true;
    shown += inGroup;
  }
  $("#overview-state").textContent = tr(`${shown} van ${locations.length} locaties`, `${shown} of ${locations.length} locations`);
}

async function load(current) {
  $("#overview-title").textContent = current.user.role === "manager" ? tr("Mijn locaties", "My locations") : tr("Alle locaties", "All locations");
  $("#overview-intro").textContent = current.user.role === "manager"
    ? tr("De locaties waarvoor u verantwoordelijk bent. De slechtste status staat bovenaan.", "The locations you are responsible for. The worst status comes first.")
    : tr("Alle locaties. De slechtste status staat bovenaan.", "All locations. The worst status comes first.");
  say("#overview-state", tr("Locaties laden…", "Loading locations…"));
  try {
    // Each location with its failed norms: one request, not one per location.
    locations = (await allPages("/locations?with=failed_norms")).sort(compare);
  } catch (error) {
    if (error.status === 401) return ui.showLogin(sessionExpired());
    return say("#overview-state", `${tr("De locaties konden niet worden geladen", "The locations could not be loaded")}: ${problemText(error)}`, true);
  }
  if (!locations.length) {
    $("#overview-state").textContent = tr("Er zijn geen locaties aan u toegewezen.", "No locations have been assigned to you.");
    $("#locations").replaceChildren();
    return;
  }
  const items = locations.map((location) => ({ location, node: card(location) }));
  for (const { location, node } of items) drawFailed(node, location.failed_norms || []);
  $("#locations").replaceChildren(...groups(items));
  applyFilter();
  await drawOverdue(items);
}

$("#filter-text").addEventListener("input", applyFilter);
$("#filter-status").addEventListener("change", applyFilter);
ui = withSession(load);
