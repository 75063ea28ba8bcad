// One report: its state, the documents, and the moves the API says the user may make now
// (send, react during the hearing, adopt with the handling, publish).

import { $, ApiError, api, el, formatDay, problemText as problem, say, sessionExpired, withSession } from "./common.js";
import { STATE_LABELS, openDocument } from "./report-links.js";

const REPORT_ID = $("#report").dataset.report;
let ui = null;

function show(report) {
  document.title = `Rapport ${report.location.name} · Toezicht kinderen in de asielopvang`;
  $("#report-title").textContent = `Rapport ${report.location.name}`;
  const facts = [
    ["Locatie", `${report.location.name} (${report.location.code})`],
    ["Gemeente", `${report.location.municipality}, ${report.location.province}`],
    ["Bezoek", formatDay(report.observed_at)],
    ["Status", STATE_LABELS[report.state] || report.state],
    ["Reactie mogelijk tot en met", report.reaction_due ? formatDay(report.reaction_due) : "–"],
  ];
  $("#report-facts").replaceChildren(...facts.flatMap(([term, value]) => [el("dt", {}, term), el("dd", { dataset: { fact: term } }, value)]));
  const actions = new Set(report.actions);
  $("#send-box").hidden = !actions.has("send");
  $("#react-form").hidden = !actions.has("react");
  $("#adopt-form").hidden = !actions.has("adopt");
  $("#publish-box").hidden = !actions.has("publish");
  $("#actions").hidden = actions.size === 0;
  $("#reactions").replaceChildren(...(report.reactions.length
    ? report.reactions.map((reaction) => el("div", { class: "reaction" },
      el("h3", {}, `Reactie van ${formatDay(reaction.submitted_at)}${reaction.author ? ` (${reaction.author})` : ""}`),
      el("blockquote", {}, reaction.text),
      Object.keys(reaction.corrections).length
        ? el("ul", {}, Object.entries(reaction.corrections).map(([code, text]) => el("li", {}, el("strong", {}, code), ` ${text}`)))
        : null))
    : [el("p", { class: "muted" }, report.state === "concept" ? "Het rapport is nog niet verstuurd." : "Nog geen reactie.")]));
  $("#handling").replaceChildren(...(report.handling
    ? [el("h3", {}, "Hoe de reactie is gewogen"), el("blockquote", {}, report.handling)]
    : []));
  $("#report-body").hidden = false;
}

async function load() {
  say("#report-state", "Rapport laden…");
  try {
    const { data } = await api(`/reports/${REPORT_ID}`);
    say("#report-state", "");
    show(data);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return ui.showLogin(sessionExpired());
    if (error instanceof ApiError && error.status === 404) return say("#report-state", "Geen toegang of onbekend rapport.", true);
    say("#report-state", problem(error), true);
  }
}

async function move(path, json, done) {
  say("#action-state", "Bezig…");
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
    el("label", { for: `correction-text-${index}` }, "Correctie"),
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
$("#send").addEventListener("click", () => move("send", undefined, "Verstuurd: de locatie kan nu reageren."));
$("#publish").addEventListener("click", () => move("publish", undefined, "Gepubliceerd."));
$("#add-correction").addEventListener("click", () => $("#corrections").append(correctionRow()));
$("#react-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const corrections = {};
  for (const row of document.querySelectorAll(".correction")) {
    const code = row.querySelector(".correction-code").value.trim();
    const text = row.querySelector(".correction-text").value.trim();
    if (code && text) corrections[code] = text;
  }
  move("reactions", { text: $("#react-text").value, corrections }, "Uw reactie is ontvangen.");
});
$("#adopt-form").addEventListener("submit", (event) => {
  event.preventDefault();
  move("adopt", { handling: $("#adopt-handling").value }, "Vastgesteld.");
});

ui = withSession(load);
