// One report: its state, the documents, and the moves the API says the user may make now
// (send, react during the hearing, adopt with the handling, publish).

import { $, ApiError, LANG, api, el, formatDay, problemText as problem, say, sessionExpired, tr, withSession } from "./common.js";
import { STATE_LABELS, openDocument } from "./report-links.js";

const REPORT_ID = $("#report").dataset.report;
let ui = null;

function show(report) {
  const title = `${tr("Rapport", "Report")} ${report.location.name}`;
  document.title = `${title} · ${tr("Toezicht kinderen in de asielopvang", "Supervision of children in asylum reception")}`;
  $("#report-title").textContent = title;
  // data-fact: a key that stays the same in either language.
  const facts = [
    ["location", tr("Locatie", "Location"), `${report.location.name} (${report.location.code})`],
    ["municipality", tr("Gemeente", "Municipality"), `${report.location.municipality}, ${report.location.province}`],
    ["visit", tr("Bezoek", "Visit"), formatDay(report.observed_at)],
    ["state", tr("Status", "State"), STATE_LABELS[report.state] || report.state],
    ["reaction_due", tr("Reactie mogelijk tot en met", "Reactions possible until"), report.reaction_due ? formatDay(report.reaction_due) : "–"],
  ];
  $("#report-facts").replaceChildren(...facts.flatMap(([key, term, value]) => [el("dt", {}, term), el("dd", { dataset: { fact: key } }, value)]));
  const actions = new Set(report.actions);
  $("#send-box").hidden = !actions.has("send");
  $("#react-form").hidden = !actions.has("react");
  $("#adopt-form").hidden = !actions.has("adopt");
  $("#publish-box").hidden = !actions.has("publish");
  $("#actions").hidden = actions.size === 0;
  $("#reactions").replaceChildren(...(report.reactions.length
    ? report.reactions.map((reaction) => el("div", { class: "reaction" },
      el("h3", {}, `${tr("Reactie van", "Reaction dated")} ${formatDay(reaction.submitted_at)}${reaction.author ? ` (${reaction.author})` : ""}`),
      el("blockquote", {}, reaction.text),
      Object.keys(reaction.corrections).length
        ? el("ul", {}, Object.entries(reaction.corrections).map(([code, text]) => el("li", {}, el("strong", {}, code), ` ${text}`)))
        : null))
    : [el("p", { class: "muted" }, report.state === "concept"
      ? tr("Het rapport is nog niet verstuurd.", "The report has not been sent yet.")
      : tr("Nog geen reactie.", "No reaction yet."))]));
  $("#handling").replaceChildren(...(report.handling
    ? [el("h3", {}, tr("Hoe de reactie is gewogen", "How the reaction was weighed")), el("blockquote", {}, report.handling)]
    : []));
  $("#report-body").hidden = false;
}

async function load() {
  say("#report-state", tr("Rapport laden…", "Loading the report…"));
  try {
    const { data } = await api(`/reports/${REPORT_ID}`);
    say("#report-state", "");
    show(data);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return ui.showLogin(sessionExpired());
    if (error instanceof ApiError && error.status === 404) return say("#report-state", tr("Geen toegang of onbekend rapport.", "No access, or no such report."), true);
    say("#report-state", problem(error), true);
  }
}

async function move(path, json, done) {
  say("#action-state", tr("Bezig…", "Working…"));
  try {
    const { data } = await api(`/reports/${REPORT_ID}/${path}`, { method: "POST", json });
    say("#action-state", done);
    show(data);
  } catch (error) {
    say("#action-state", problem(error), true);
  }
}

function correctionRow() {
  const index = $("#corrections").children.length + 1;
  return el("div", { class: "correction" },
    el("label", { for: `correction-code-${index}` }, "Norm"),
    el("input", { id: `correction-code-${index}`, class: "correction-code", type: "text", maxlength: 32, spellcheck: "false", autocapitalize: "characters" }),
    el("label", { for: `correction-text-${index}` }, tr("Correctie", "Correction")),
    el("input", { id: `correction-text-${index}`, class: "correction-text", type: "text", maxlength: 5000 }));
}

function documentPath(kind) {
  return `/reports/${REPORT_ID}.${kind}?lang=${$("#report-lang").value}`;
}

async function open(kind) {
  try {
    await openDocument(documentPath(kind));
  } catch (error) {
    say("#report-state", problem(error), true);
  }
}

$("#open-pdf").addEventListener("click", () => open("pdf"));
$("#send").addEventListener("click", () => move("send", undefined, tr("Verstuurd: de locatie kan nu reageren.", "Sent: the location may react now.")));
$("#publish").addEventListener("click", () => move("publish", undefined, tr("Gepubliceerd.", "Published.")));
$("#add-correction").addEventListener("click", () => $("#corrections").append(correctionRow()));
$("#react-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const corrections = {};
  for (const row of document.querySelectorAll(".correction")) {
    const code = row.querySelector(".correction-code").value.trim();
    const text = row.querySelector(".correction-text").value.trim();
    if (code && text) corrections[code] = text;
  }
  move("reactions", { text: $("#react-text").value, corrections }, tr("Uw reactie is ontvangen.", "Your reaction has been received."));
});
$("#adopt-form").addEventListener("submit", (event) => {
  event.preventDefault();
  move("adopt", { handling: $("#adopt-handling").value }, tr("Vastgesteld.", "Adopted."));
});

$("#report-lang").value = LANG;
ui = withSession(load);
