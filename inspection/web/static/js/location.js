// One location: its status and failed norms, the score history (an SVG made
// on the server, and its figures as a table) and every visit with the norms it failed.

import { $, ApiError, LANG, UNIT_LABELS, allPages, api, badge, el, failedNormItem, formatDay, formatScore, normSet, problemText, say, sessionExpired, sortFailed, statusLabel, tr, typeLabel, withSession } from "./common.js";
import { coverageNotice, showWhatIsWrong } from "./location-findings.js";
import { reportButton } from "./report-links.js";

const code = $("#location").dataset.code;
let ui = null;
let me = null;

/** The visit's inspector and coordinators write its report. */
function writesReport(visit) {
  return me && (me.role === "coordinator" || (me.role === "inspector" && visit.inspector === me.username));
}


function failedList(failed, titleOf) {
  if (!failed.length) return el("p", {}, tr("Alle beoordeelde normen gehaald.", "All assessed norms were met."));
  return el("ul", { class: "failed" }, failed.map((result) =>
    failedNormItem(result.norm, titleOf(result), result.severity === "critical")));
}

/** The score history: the location's picture after each visit, as an image and as a table. */
async function showChart() {
  try {
    const path = `/locations/${encodeURIComponent(code)}`;
    const [{ data }, { data: series }] = await Promise.all([
      api(`${path}/scores.svg?lang=${LANG}`),
      api(`${path}/scores`),
    ]);
    const svg = new DOMParser().parseFromString(await data.text(), "image/svg+xml");
    const text = [svg.querySelector("title"), svg.querySelector("desc")].filter(Boolean).map((n) => n.textContent).join(": ");
    const image = $("#chart");
    image.alt = text;
    image.src = URL.createObjectURL(data);
    image.hidden = false;
    image.dataset.points = String(svg.querySelectorAll("circle.point").length);
    showChartTable(series);
    say("#chart-state", "");
  } catch (error) {
    say("#chart-state", `${tr("De grafiek kon niet worden geladen", "The chart could not be loaded")} (${problemText(error)}).`, true);
  }
}

/** The chart's figures, latest visit first: what the location stood at, and what the visit itself scored. */
function showChartTable(series) {
  const rows = [...series].reverse().map((point) => {
    const failed = point.picture.failed_norms;
    const why = failed.length
      ? el("span", { class: "small" }, ` ${tr("niet gehaald", "not met")}: ${failed.join(", ")}`)
      : null;
    // A viewer's points name no visit (inspection: null).
    return el("tr", { dataset: point.inspection ? { inspection: point.inspection } : {} },
      el("th", { scope: "row" }, formatDay(point.observed_at)),
      el("td", { class: "picture" }, `${formatScore(point.picture.overall)} `, badge(point.picture.status), why),
      el("td", { class: "own" }, formatScore(point.overall), el("br"), el("span", { class: "small", dataset: { status: point.status } }, statusLabel(point.status))));
  });
  $("#chart-table tbody").replaceChildren(...rows);
  $("#chart-table").hidden = !rows.length;
}

function answerText(item, value) {
  if (value === true) return tr("ja", "yes");
  if (value === false) return tr("nee", "no");
  if (item && item.choices && item.choices.length) {
    const choice = item.choices.find((c) => c.value === value);
    if (choice) return choice.label[LANG] || choice.label.nl;
  }
  if (typeof value === "number") {
    const unit = item && item.unit ? UNIT_LABELS[LANG][item.unit] || item.unit : "";
    const label = item ? item.label[LANG] || item.label.nl : "";
    const text = value.toLocaleString(LANG === "en" ? "en-GB" : "nl-NL");
    return unit && !label.includes(`(${unit})`) ? `${text} ${unit}` : text;
  }
  return String(value);
}

/** A visit opened in place: the norms it failed, the notes, the photos and every answer. */
async function fillVisit(body, visit) {
  let set;
  let missing = null;
  try {
    set = await normSet(visit.norm_set);
  } catch (error) {
    // The visit is still shown, by codes: what is missing is said at its top.
    set = { titles: {}, items: {} };
    missing = el("p", { class: "notice bad" },
      `${tr("De titels en vragen van de normen konden niet worden geladen", "The titles and questions of the norms could not be loaded")} (${problemText(error)}).`);
  }
  const failed = sortFailed(visit.results);
  const parts = [missing, el("h4", {}, tr("Niet gehaalde normen", "Norms not met")), failedList(failed, (r) => set.titles[r.norm])].filter(Boolean);
  const notes = Object.entries(visit.notes || {});
  parts.push(el("h4", {}, tr("Opmerkingen", "Notes")));
  parts.push(notes.length
    ? el("ul", { class: "notes" }, notes.map(([norm, text]) =>
      el("li", { dataset: { norm } }, el("strong", {}, norm), ` ${set.titles[norm] || ""}: `, el("q", {}, text))))
    : el("p", { class: "muted" }, tr("Geen opmerkingen.", "No notes.")));
  const photos = el("ul", { class: "photos visit-photos" });
  parts.push(el("h4", {}, tr("Foto's", "Photos")), photos);
  const answers = Object.entries(visit.answers || {});
  parts.push(el("details", { class: "visit-answers" },
    el("summary", {}, `${tr("Alle antwoorden", "All answers")} (${answers.length})`),
    el("dl", { class: "facts-list" }, answers.flatMap(([code, value]) => {
      const item = set.items[code];
      return [el("dt", {}, item ? item.label[LANG] || item.label.nl : code), el("dd", {}, answerText(item, value))];
    }))));
  body.replaceChildren(...parts);
  try {
    const { data } = await api(`/inspections/${encodeURIComponent(visit.id)}/photos`);
    if (!data.length) {
      photos.replaceWith(el("p", { class: "muted" }, tr("Geen foto's.", "No photos.")));
      return;
    }
    for (const photo of data) {
      const { data: blob } = await api(photo.url.replace(/^\/api\/v1/, ""));
      const label = photo.norm ? `${tr("Foto bij", "Photo for")} ${photo.norm} ${set.titles[photo.norm] || ""}`.trim() : tr("Foto bij het bezoek", "Photo of the visit");
      photos.append(el("li", { dataset: { norm: photo.norm } },
        el("img", { src: URL.createObjectURL(blob), alt: label, width: 96, height: 96 }),
        el("span", {}, photo.norm || tr("algemeen", "general"))));
    }
  } catch (error) {
    photos.replaceWith(el("p", { class: "notice bad" }, `${tr("De foto's konden niet worden geladen", "The photos could not be loaded")} (${problemText(error)}).`));
  }
}

async function showVisits(role) {
  if (role === "viewer") {
    say("#visits-state", tr("Met uw rol zijn de afzonderlijke bezoeken niet in te zien.", "Your role does not see the separate visits."));
    return;
  }
  say("#visits-state", tr("Bezoeken laden…", "Loading visits…"));
  try {
    const visits = await allPages(`/inspections?location=${encodeURIComponent(code)}`, 100);
    say("#visits-state", visits.length
      ? tr(`${visits.length} bezoek${visits.length === 1 ? "" : "en"}, het laatste bovenaan. Open een bezoek voor de antwoorden, opmerkingen en foto's.`,
        `${visits.length} visit${visits.length === 1 ? "" : "s"}, the latest first. Open a visit for its answers, notes and photos.`)
      : tr("Nog geen bezoeken.", "No visits yet."));
    const nodes = visits.map((visit, index) => {
      const failed = sortFailed(visit.results);
      const critical = failed.filter((r) => r.severity === "critical").length;
      const summary = failed.length
        ? tr(`${failed.length} niet gehaalde norm${failed.length === 1 ? "" : "en"}${critical ? `, waarvan ${critical} kritiek` : ""}`,
          `${failed.length} norm${failed.length === 1 ? "" : "s"} not met${critical ? `, ${critical} critical` : ""}`)
        : tr("alle beoordeelde normen gehaald", "all assessed norms met");
      const body = el("div", { class: "visit-body" }, el("p", { class: "muted" }, tr("Bezoek laden…", "Loading the visit…")));
      const details = el("details", { class: "visit" },
        el("summary", {},
          el("h3", {}, `${formatDay(visit.observed_at)} · ${tr("score van dit bezoek", "this visit's score")} ${formatScore(visit.score.overall)}`),
          el("span", { class: "visit-line" }, badge(visit.score.status),
            el("span", { class: "small" }, ` ${summary} · ${tr("door", "by")} ${visit.inspector}`))),
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
    if (error instanceof ApiError && error.status === 401) return ui.showLogin(sessionExpired());
    say("#visits-state", `${tr("De bezoeken konden niet worden geladen", "The visits could not be loaded")} (${problemText(error)}).`, true);
  }
}

async function load(current) {
  me = current.user;
  say("#location-state", tr("Locatie laden…", "Loading the location…"));
  $("#location-body").hidden = true;
  let location;
  try {
    ({ data: location } = await api(`/locations/${encodeURIComponent(code)}`));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      $("#location-name").textContent = tr("Locatie niet gevonden", "Location not found");
      return say("#location-state", tr("Geen toegang of onbekende locatie", "No access or unknown location"), true);
    }
    if (error instanceof ApiError && error.status === 401) return ui.showLogin(sessionExpired());
    return say("#location-state", problemText(error), true);
  }
  say("#location-state", "");
  document.title = `${location.name} · ${tr("Toezicht kinderen in de asielopvang", "Supervision of children in asylum reception")}`;
  $("#location-name").textContent = location.name;
  const latest = location.latest;
  const score = "overall" in location ? location.overall : latest && latest.overall;
  const below = ["critical", "below_norm"].includes(location.status);
  const facts = [
    [tr("Code", "Code"), location.code],
    [tr("Type", "Type"), typeLabel(location.type)],
    [tr("Gemeente", "Municipality"), `${location.municipality}, ${location.province}`],
    [tr("Capaciteit", "Capacity"), location.capacity ?? tr("onbekend", "not known")],
    [tr("Score", "Score"), score === null || score === undefined ? "–" : formatScore(score)],
    below && location.failing_since ? [tr("Onder de norm sinds", "Below the norms since"), formatDay(location.failing_since)] : null,
    [tr("Laatste bezoek", "Latest visit"), latest ? `${formatDay(latest.observed_at)} (${tr("score van dat bezoek", "that visit's score")} ${formatScore(latest.overall)})` : tr("nog geen", "none yet")],
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
