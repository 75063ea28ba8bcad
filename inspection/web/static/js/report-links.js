// Shared by the report pages and the location page: states in words, opening a document
// (fetched with the bearer token, shown from a blob) and the "Rapport" action on a visit.

import { api, el } from "./common.js";

export const STATE_LABELS = {
  concept: "concept",
  hearing: "in hoor en wederhoor",
  adopted: "vastgesteld",
  published: "gepubliceerd",
};

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
  const button = el("button", { type: "button", class: "report-action" }, "Rapport");
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
