// The list of reports (per location and state) and the national report for coordinators and viewers.
// Documents open as PDF: an HTML document opened from a page would inherit the page's
// Content-Security-Policy, which forbids the document's own styles.

import { $, ApiError, LANG, allPages, el, formatDay, problemText, say, sessionExpired, tr, withSession } from "./common.js";
import { STATE_LABELS, openDocument } from "./report-links.js";

async function showList() {
  const form = new FormData($("#filter"));
  const query = new URLSearchParams();
  for (const name of ["location", "state"]) {
    const value = (form.get(name) || "").trim();
    if (value) query.set(name, value);
  }
  say("#list-state", tr("Rapporten laden…", "Loading reports…"));
  try {
    const reports = await allPages(`/reports?${query}`, 200);
    const rows = reports.map((report) => el("tr", { dataset: { report: report.id, state: report.state } },
      el("td", {}, el("a", { href: `/reports/${report.id}` }, `${report.location.name} (${report.location.code})`)),
      el("td", {}, formatDay(report.observed_at)),
      el("td", {}, STATE_LABELS[report.state] || report.state),
      el("td", {}, report.state === "hearing" && report.reaction_due ? formatDay(report.reaction_due) : "–")));
    $("#report-list tbody").replaceChildren(...rows);
    $("#report-list").hidden = !rows.length;
    say("#list-state", rows.length ? countText(rows.length) : tr("Geen rapporten.", "No reports."));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return ui.showLogin(sessionExpired());
    say("#list-state", problemText(error), true);
  }
}

/** "3 rapporten", "1 report". */
function countText(count) {
  return count === 1 ? tr("1 rapport", "1 report") : tr(`${count} rapporten`, `${count} reports`);
}

function nationalPath(kind) {
  const asOf = $("#national-date").value;
  const lang = $("#national-lang").value;
  return `/reports/national.${kind}?as_of=${encodeURIComponent(asOf)}&lang=${lang}`;
}

async function openNational(kind) {
  say("#national-state", tr("Rapport maken…", "Making the report…"));
  try {
    await openDocument(nationalPath(kind));
    say("#national-state", "");
  } catch (error) {
    say("#national-state", problemText(error), true);
  }
}

function load(current) {
  const role = current.user.role;
  $("#national").hidden = !["coordinator", "viewer"].includes(role);
  $("#national-date").value = new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Amsterdam" });
  $("#national-lang").value = LANG;
  const params = new URLSearchParams(window.location.search);
  if (params.get("location")) $("#filter-location").value = params.get("location");
  showList();
}

$("#filter").addEventListener("submit", (event) => {
  event.preventDefault();
  showList();
});
$("#national-form").addEventListener("submit", (event) => {
  event.preventDefault();
  openNational("pdf");
});

const ui = withSession(load);
