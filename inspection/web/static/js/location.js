// One location: its status and failed norms, the score history (an SVG made
// on the server) and every visit with the norms it failed.

import { $, ApiError, NetworkError, allPages, api, badge, el, formatDay, formatScore, sortFailed, withSession } from "./common.js";

const code = $("#location").dataset.code;
const normTitles = new Map();
let ui = null;

function say(selector, text, bad = false) {
  const node = $(selector);
  node.textContent = text;
  node.classList.toggle("notice", bad);
  node.classList.toggle("bad", bad);
}

async function titles(normSet) {
  const key = `${normSet.catalogue}/${normSet.version}`;
  if (!normTitles.has(key)) {
    normTitles.set(key, api(`/norm-sets/${encodeURIComponent(normSet.catalogue)}/${encodeURIComponent(normSet.version)}`)
      .then(({ data }) => Object.fromEntries(data.document.norms.map((n) => [n.code, n.title.nl])))
      .catch(() => ({})));
  }
  return normTitles.get(key);
}

function failedList(failed, titleOf) {
  if (!failed.length) return el("p", {}, "Alle beoordeelde normen gehaald.");
  return el("ul", { class: "failed" }, failed.map((result) =>
    el("li", { dataset: { norm: result.norm } },
      el("strong", {}, result.norm), " ", titleOf(result) || "",
      result.severity === "critical" ? el("span", { class: "severity-critical" }, " (kritiek)") : null)));
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

async function showVisits(role) {
  if (role === "viewer") {
    say("#visits-state", "Met uw rol zijn de afzonderlijke bezoeken niet in te zien.");
    return;
  }
  say("#visits-state", "Bezoeken laden…");
  try {
    const visits = await allPages(`/inspections?location=${encodeURIComponent(code)}`, 100);
    say("#visits-state", visits.length ? `${visits.length} bezoek${visits.length === 1 ? "" : "en"}, het laatste bovenaan.` : "Nog geen bezoeken.");
    const nodes = [];
    for (const [index, visit] of visits.entries()) {
      const names = await titles(visit.norm_set);
      const failed = sortFailed(visit.results);
      const critical = failed.filter((r) => r.severity === "critical").length;
      const summary = failed.length
        ? `${failed.length} niet gehaalde norm${failed.length === 1 ? "" : "en"}${critical ? `, waarvan ${critical} kritiek` : ""}`
        : "Alle beoordeelde normen gehaald";
      nodes.push(el("li", { dataset: { inspection: visit.id } },
        el("h3", {}, `${formatDay(visit.observed_at)} · score ${formatScore(visit.score.overall)}`),
        el("p", {}, badge(visit.score.status), el("span", { class: "small muted" }, ` door ${visit.inspector}`)),
        failed.length
          ? el("details", { class: "visit-norms", open: index === 0 },
            el("summary", {}, summary), failedList(failed, (r) => names[r.norm]))
          : el("p", {}, summary)));
    }
    $("#visits").replaceChildren(...nodes);
  } catch (error) {
    say("#visits-state", `De bezoeken konden niet worden geladen (${error.message}).`, true);
  }
}

async function load(current) {
  say("#location-state", "Locatie laden…");
  $("#location-body").hidden = true;
  let location;
  try {
    ({ data: location } = await api(`/locations/${encodeURIComponent(code)}`));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return say("#location-state", "Geen toegang of onbekende locatie", true);
    if (error instanceof ApiError && error.status === 401) return ui.showLogin("Uw sessie is verlopen. Log opnieuw in.");
    return say("#location-state", error instanceof NetworkError ? "Geen verbinding met de server." : error.message, true);
  }
  say("#location-state", "");
  document.title = `${location.name} · Toezicht kinderen in de asielopvang`;
  $("#location-name").textContent = location.name;
  const latest = location.latest;
  const facts = [
    ["Code", location.code],
    ["Type", location.type],
    ["Gemeente", `${location.municipality}, ${location.province}`],
    ["Capaciteit", location.capacity ?? "onbekend"],
    ["Score", latest ? formatScore(latest.overall) : "–"],
    ["Laatste bezoek", latest ? formatDay(latest.observed_at) : "nog geen"],
  ];
  $("#location-facts").replaceChildren(...facts.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, String(value))]));
  $("#location-status").replaceChildren(badge(location.status));
  const failed = latest ? failedList(location.failed_norms, (r) => r.title.nl) : el("p", {}, "Nog geen bezoek.");
  failed.id = "location-failed";
  $("#location-failed").replaceWith(failed);
  $("#location-body").hidden = false;
  await Promise.all([showChart(), showVisits(current.user.role)]);
}

ui = withSession(load);
