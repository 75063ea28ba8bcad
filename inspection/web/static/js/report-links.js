// Shared by the report pages and the location page: states in words, opening a document
// (fetched with the bearer token, shown from a blob) and the "Rapport" action on a visit.

import { LANG, api, el, tr } from "./common.js";

// As the documents name the states (inspection/reports/texts.py, STATES).
const STATES = {
  nl: { concept: "concept", hearing: "in hoor en wederhoor", adopted: "vastgesteld", published: "gepubliceerd" },
  en: { concept: "draft", hearing: "in the hearing", adopted: "adopted", published: "published" },
};

export const STATE_LABELS = STATES[LANG];

/** Open an API document (PDF or HTML) in a new tab: links cannot carry the bearer token. */
export async function openDocument(path) {
  const tab = window.open("", "_blank");
  const { data } = await api(path);
  const url = URL.createObjectURL(data);
  if (tab) tab.location = url;
  else window.location = url;
}

/** The "Rapport" action on a visit: makes the report (or finds it) and opens its page. */
export function reportButton(inspectionId) {
  const button = el("button", { type: "button", class: "report-action" }, tr("Rapport", "Report"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const { data } = await api(`/inspections/${encodeURIComponent(inspectionId)}/report`, { method: "POST" });
      window.location = `/reports/${data.id}`;
    } catch (error) {
      button.disabled = false;
      button.after(el("span", { class: "error", role: "alert" }, ` ${error.message}`));
    }
  });
  return button;
}
