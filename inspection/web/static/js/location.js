// One location: its status and failed norms, the score history (an SVG made
// on the server) and every visit with the norms it failed.

import { $, ApiError, NetworkError, allPages, api, badge, el, failedNormItem, formatDay, formatScore, sortFailed, typeLabel, withSession } from "./common.js";
import { coverageNotice, showWhatIsWrong } from "./location-findings.js";
import { reportButton } from "./report-links.js";

const code = $("#location").dataset.code;
const normSets = new Map();
const UNITS = { m2: "m²", days: "dagen", persons: "personen", families: "gezinnen", toilets: "toiletten", showers: "douches", meals: "maaltijden", relocations: "verhuizingen" };
let ui = null;
let me = null;

/** The visit's inspector and coordinators write its report. */
function writesReport(visit) {
  return me && (me.role === "coordinator" || (me.role === "inspector" && visit.inspector === me.username));
}

function say(selector, text, bad = false) {
  const node = $(selector);
  node.textContent = text;
  node.classList.toggle("notice", bad);
  node.classList.toggle("bad", bad);
}

/** The norm set of a visit: norm titles and item labels, fetched once per version. */
async function normSet(ref) {
  const key = `${ref.catalogue}/${ref.version}`;
  if (!normSets.has(key)) {
    normSets.set(key, api(`/norm-sets/${encodeURIComponent(ref.catalogue)}/${encodeURIComponent(ref.version)}`)
      .then(({ data }) => ({
        titles: Object.fromEntries(data.document.norms.map((n) => [n.code, n.title.nl])),
        items: Object.fromEntries(data.document.items.map((i) => [i.code, i])),
      }))
      .catch(() => ({ titles: {}, items: {} })));
  }
  return normSets.get(key);
}

function failedList(failed, titleOf) {
  if (!failed.length) return el("p", {}, "Alle beoordeelde normen gehaald.");
  return el("ul", { class: "failed" }, failed.map((result) =>
    failedNormItem(result.norm, titleOf(result), result.severity === "critical")));
}

async function showChart() {
  try {
    const { data } = await api(`/locations/${encodeURIComponent(code)}/scores.svg`);
    const svg = new DOMParser().parseFromString(await data.text(), "image/svg+xml");
    const text = [svg.querySelector("title"), svg.querySelector("desc")].filter(Boolean).map((n) => n.textContent).join(": ");
    const image = $("#chart");
    image.alt = text;
    image.src = URL.createObjectURL(data);
    image.hidden = false;
    image.dataset.points = String(svg.querySelectorAll("circle.point").length);
    say("#chart-state", "");
  } catch (error) {
    say("#chart-state", `De grafiek kon niet worden geladen (${error.message}).`, true);
  }
}

function answerText(item, value) {
  if (value === true) return "ja";
  if (value === false) return "nee";
  if (item && item.choices && item.choices.length) {
    const choice = item.choices.find((c) => c.value === value);
    if (choice) return choice.label.nl;
  }
  if (typeof value === "number") {
    const unit = item && item.unit ? UNITS[item.unit] || item.unit : "";
    const label = item ? item.label.nl : "";
    const text = value.toLocaleString("nl-NL");
    return unit && !label.includes(`(${unit})`) ? `${text} ${unit}` : text;
  }
  return String(value);
}

/** A visit opened in place: the norms it failed, the notes, the photos and every answer. */
async function fillVisit(body, visit) {
  const set = await normSet(visit.norm_set);
  const failed = sortFailed(visit.results);
  const parts = [el("h4", {}, "Niet gehaalde normen"), failedList(failed, (r) => set.titles[r.norm])];
  const notes = Object.entries(visit.notes || {});
  parts.push(el("h4", {}, "Opmerkingen"));
  parts.push(notes.length
    ? el("ul", { class: "notes" }, notes.map(([norm, text]) =>
      el("li", { dataset: { norm } }, el("strong", {}, norm), ` ${set.titles[norm] || ""}: `, el("q", {}, text))))
    : el("p", { class: "muted" }, "Geen opmerkingen."));
  const photos = el("ul", { class: "photos visit-photos" });
  parts.push(el("h4", {}, "Foto's"), photos);
  const answers = Object.entries(visit.answers || {});
  parts.push(el("details", { class: "visit-answers" },
    el("summary", {}, `Alle antwoorden (${answers.length})`),
    el("dl", { class: "facts-list" }, answers.flatMap(([code, value]) => {
      const item = set.items[code];
      return [el("dt", {}, item ? item.label.nl : code), el("dd", {}, answerText(item, value))];
    }))));
  body.replaceChildren(...parts);
  try {
    const { data } = await api(`/inspections/${encodeURIComponent(visit.id)}/photos`);
    if (!data.length) {
      photos.replaceWith(el("p", { class: "muted" }, "Geen foto's."));
      return;
    }
    for (const photo of data) {
      const { data: blob } = await api(photo.url.replace(/^\/api\/v1/, ""));
      const label = photo.norm ? `Foto bij ${photo.norm} ${set.titles[photo.norm] || ""}`.trim() : "Foto bij het bezoek";
      photos.append(el("li", { dataset: { norm: photo.norm } },
        el("img", { src: URL.createObjectURL(blob), alt: label, width: 96, height: 96 }),
        el("span", {}, photo.norm || "algemeen")));
    }
  } catch (error) {
    photos.replaceWith(el("p", { class: "notice bad" }, `De foto's konden niet worden geladen (${error.message}).`));
  }
}

async function showVisits(role) {
  if (role === "viewer") {
    say("#visits-state", "Met uw rol zijn de afzonderlijke bezoeken niet in te zien.");
    return;
  }
  say("#visits-state", "Bezoeken laden…");
  try {
    const visits = await allPages(`/inspections?location=${encodeURIComponent(code)}`, 100);
    say("#visits-state", visits.length
      ? `${visits.length} bezoek${visits.length === 1 ? "" : "en"}, het laatste bovenaan. Open een bezoek voor de antwoorden, opmerkingen en foto's.`
      : "Nog geen bezoeken.");
    const nodes = visits.map((visit, index) => {
      const failed = sortFailed(visit.results);
      const critical = failed.filter((r) => r.severity === "critical").length;
      const summary = failed.length
        ? `${failed.length} niet gehaalde norm${failed.length === 1 ? "" : "en"}${critical ? `, waarvan ${critical} kritiek` : ""}`
        : "alle beoordeelde normen gehaald";
      const body = el("div", { class: "visit-body" }, el("p", { class: "muted" }, "Bezoek laden…"));
      const details = el("details", { class: "visit" },
        el("summary", {},
          el("h3", {}, `${formatDay(visit.observed_at)} · score ${formatScore(visit.score.overall)}`),
          el("span", { class: "visit-line" }, badge(visit.score.status),
            el("span", { class: "small" }, ` ${summary} · door ${visit.inspector}`))),
        body);
      let filled = false;
      details.addEventListener("toggle", () => {
        if (details.open && !filled) {
          filled = true;
          fillVisit(body, visit);
        }
      });
      if (index === 0) details.open = true;
      const report = writesReport(visit) ? el("p", { class: "visit-report" }, reportButton(visit.id)) : null;
      return el("li", { dataset: { inspection: visit.id } }, details, report);
    });
    $("#visits").replaceChildren(...nodes);
  } catch (error) {
    say("#visits-state", `De bezoeken konden niet worden geladen (${error.message}).`, true);
  }
}

async function load(current) {
  me = current.user;
  say("#location-state", "Locatie laden…");
  $("#location-body").hidden = true;
  let location;
  try {
    ({ data: location } = await api(`/locations/${encodeURIComponent(code)}`));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      $("#location-name").textContent = "Locatie niet gevonden";
      return say("#location-state", "Geen toegang of onbekende locatie", true);
    }
    if (error instanceof ApiError && error.status === 401) return ui.showLogin("Uw sessie is verlopen. Log opnieuw in.");
    return say("#location-state", error instanceof NetworkError ? "Geen verbinding met de server." : error.message, true);
  }
  say("#location-state", "");
  document.title = `${location.name} · Toezicht kinderen in de asielopvang`;
  $("#location-name").textContent = location.name;
  const latest = location.latest;
  const score = "overall" in location ? location.overall : latest && latest.overall;
  const below = ["critical", "below_norm"].includes(location.status);
  const facts = [
    ["Code", location.code],
    ["Type", typeLabel(location.type)],
    ["Gemeente", `${location.municipality}, ${location.province}`],
    ["Capaciteit", location.capacity ?? "onbekend"],
    ["Score", score === null || score === undefined ? "–" : formatScore(score)],
    below && location.failing_since ? ["Onder de norm sinds", formatDay(location.failing_since)] : null,
    ["Laatste bezoek", latest ? `${formatDay(latest.observed_at)} (score van dat bezoek ${formatScore(latest.overall)})` : "nog geen"],
  ].filter(Boolean);
  $("#location-facts").replaceChildren(...facts.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, String(value))]));
  $("#location-status").replaceChildren(badge(location.status));
  $("#location-coverage").replaceChildren(coverageNotice(location));
  $("#location-body").hidden = false;
  await Promise.all([
    showWhatIsWrong($("#location-failed"), location, current.user.role),
    showChart(),
    showVisits(current.user.role),
  ]);
}

ui = withSession(load);
