// What is wrong at a location and since when: per failed norm of the current picture
// what was found against the norm, since when it fails, its finding's deadline and
// whether that has passed, the location's responses and (for its manager) a form
// to respond, with a photo as evidence.

import { ApiError, LANG, allPages, api, daysSince, daysUntil, el, formatDay, foundText, problemText, tr } from "./common.js";
import { newId } from "./queue.js";

// Outcomes older than this make the picture "old" (a year makes them count as unanswered).
const OLD_AFTER_DAYS = 180;
const RESPONDERS = ["manager", "coordinator"];

/** The location's open findings by norm; none when the role may not read them. */
async function openFindings(code) {
  try {
    const findings = await allPages(`/findings?location=${encodeURIComponent(code)}&state=open`, 100);
    return new Map(findings.map((finding) => [finding.norm, finding]));
  } catch (error) {
    if (error instanceof ApiError && [403, 404].includes(error.status)) return new Map();
    throw error;
  }
}

function percent(value) {
  return `${Math.round(value).toLocaleString(LANG === "en" ? "en-GB" : "nl-NL")}%`;
}

/**
 * How complete and how recent the picture is, with a clear word when it rests on
 * partial visits (the latest checked only part of the norms: the rest comes from
 * earlier ones), on old outcomes, or leaves norms without any current outcome.
 */
export function coverageNotice(location) {
  const latest = location.latest;
  if (!latest) return el("p", { class: "muted" }, tr("Nog geen bezoek: er is geen beeld van deze locatie.", "No visit yet: there is no picture of this location."));
  const coverage = location.coverage ?? latest.coverage;
  const assessed = (location.failed_norms || []).map((norm) => norm.last_assessed).filter(Boolean);
  const oldest = [...assessed, latest.observed_at].sort()[0];
  const reasons = [];
  const words = [];
  if (latest.coverage !== null && latest.coverage !== undefined && latest.coverage < 100) {
    words.push(tr("samengesteld", "composed"));
    reasons.push(tr(`het laatste bezoek (${formatDay(latest.observed_at)}) controleerde ${percent(latest.coverage)} van de normen; de andere oordelen komen uit eerdere bezoeken`,
      `the latest visit (${formatDay(latest.observed_at)}) checked ${percent(latest.coverage)} of the norms; the other outcomes come from earlier visits`));
  }
  const old = daysSince(oldest) > OLD_AFTER_DAYS;
  if (old) {
    words.push(tr("verouderd", "old"));
    reasons.push(tr(`het oudste oordeel is van ${formatDay(oldest)}`, `the oldest outcome is from ${formatDay(oldest)}`));
  }
  const incomplete = coverage !== null && coverage !== undefined && coverage < 100;
  if (incomplete) {
    words.push(tr("onvolledig", "incomplete"));
    reasons.push(tr(`${percent(100 - coverage)} van de normen heeft geen actueel oordeel`, `${percent(100 - coverage)} of the norms have no current outcome`));
  }
  if (!words.length) {
    return el("p", { class: "coverage", dataset: { state: "complete" } },
      tr(`Volledig en actueel beeld: ${percent(coverage ?? 100)} van de normen beoordeeld, het laatst op ${formatDay(latest.observed_at)}.`,
        `A complete and current picture: ${percent(coverage ?? 100)} of the norms assessed, the latest on ${formatDay(latest.observed_at)}.`));
  }
  const state = incomplete ? "incomplete" : old ? "old" : "partial";
  return el("p", { class: "coverage notice", dataset: { state } },
    el("strong", {}, tr(`Let op, ${words.join(" en ")} beeld: `, `Note: ${words.join(" and ")} picture: `)),
    `${reasons.join("; ")}. ${tr("Dekking", "Coverage")}: ${coverage === null || coverage === undefined ? tr("onbekend", "not known") : percent(coverage)}.`);
}

function deadlineLine(finding) {
  if (!finding) return null;
  const overdue = finding.overdue;
  return el("p", { class: overdue ? "overdue" : "deadline", dataset: { overdue: String(Boolean(overdue)) } },
    `${tr("Herstellen vóór", "Repair before")} ${formatDay(finding.deadline)}`,
    overdue
      ? tr(` — over de termijn (${daysSince(finding.deadline)} dagen)`, ` — overdue (${daysSince(finding.deadline)} days)`)
      : tr(` — nog ${Math.max(0, daysUntil(finding.deadline))} dagen`, ` — ${Math.max(0, daysUntil(finding.deadline))} days left`),
    finding.repeats ? tr(` · ${finding.repeats} keer opnieuw niet gehaald`, ` · not met again ${finding.repeats} time${finding.repeats === 1 ? "" : "s"}`) : "");
}

async function photoImage(photo, label) {
  const { data } = await api(photo.url.replace(/^\/api\/v1/, ""));
  return el("img", { src: URL.createObjectURL(data), alt: label, width: 96, height: 96 });
}

function responsesList(finding) {
  if (!finding.responses.length) return el("p", { class: "muted small" }, tr("Nog geen reactie van de locatie.", "No response from the location yet."));
  return el("ul", { class: "responses" }, finding.responses.map((response) => {
    const photos = el("ul", { class: "photos" });
    for (const photo of response.photos) {
      photoImage(photo, tr(`Foto bij de reactie van ${response.author} op ${finding.norm}`, `Photo with ${response.author}'s response to ${finding.norm}`))
        .then((img) => photos.append(el("li", {}, img)))
        .catch((error) => photos.append(el("li", { class: "small error" }, `${tr("Foto niet te laden", "The photo could not be loaded")} (${problemText(error)})`)));
    }
    return el("li", { dataset: { response: response.id } },
      el("p", { class: "small muted" }, `${formatDay(response.created_at)} · ${response.author}`,
        response.planned_date ? ` · ${tr("gepland of gedaan op", "planned or done on")} ${formatDay(response.planned_date)}` : ""),
      el("p", {}, response.text),
      response.photos.length ? photos : null);
  }));
}

function fieldProblem(id) {
  return el("p", { class: "field-error", id: `${id}-error`, "aria-live": "polite" });
}

/** The form a manager answers a finding with: what was done or is planned, when, a photo. */
function responseForm(finding, onSaved) {
  const prefix = `respond-${finding.id}`;
  const text = el("textarea", { id: `${prefix}-text`, name: "text", maxlength: 2000, required: true, "aria-describedby": `${prefix}-text-error` });
  const date = el("input", { type: "date", id: `${prefix}-date`, name: "planned_date", "aria-describedby": `${prefix}-date-error` });
  const photo = el("input", { type: "file", id: `${prefix}-photo`, name: "photo", accept: "image/jpeg,image/png", "aria-describedby": `${prefix}-photo-error` });
  const state = el("p", { class: "small", role: "status" });
  const form = el("form", { class: "respond", novalidate: true, dataset: { finding: finding.id } },
    el("label", { for: text.id }, tr("Wat is er gedaan of gepland?", "What was done or is planned?")), text, fieldProblem(text.id),
    el("label", { for: date.id }, tr("Gedaan of gepland op (niet verplicht)", "Done or planned on (optional)")), date, fieldProblem(date.id),
    el("label", { for: photo.id }, tr("Foto als bewijs (niet verplicht, JPEG of PNG)", "A photo as evidence (optional, JPEG or PNG)")), photo, fieldProblem(photo.id),
    el("p", {}, el("button", { type: "submit", class: "primary" }, tr("Reactie versturen", "Send the response"))),
    state);
  // One id per response: sending twice (a double tap, a retry) records it once.
  let responseId = newId();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const slot of form.querySelectorAll(".field-error")) slot.textContent = "";
    if (!text.value.trim()) {
      form.querySelector(`#${text.id}-error`).textContent = tr("Schrijf wat er is gedaan of gepland.", "Write what was done or is planned.");
      text.focus();
      return;
    }
    state.textContent = tr("Versturen…", "Sending…");
    try {
      await api(`/findings/${finding.id}/responses`, {
        method: "POST",
        json: { id: responseId, text: text.value, planned_date: date.value || null },
      });
      if (photo.files.length) {
        const body = new FormData();
        body.append("photo", photo.files[0], photo.files[0].name);
        body.append("id", newId());
        await api(`/findings/${finding.id}/responses/${responseId}/photos`, { method: "POST", form: body });
      }
      responseId = newId();
      state.textContent = tr("Reactie opgeslagen.", "Response saved.");
      form.reset();
      await onSaved();
    } catch (error) {
      const fields = (error instanceof ApiError && error.fields) || {};
      const where = { text: text.id, planned_date: date.id, photo: photo.id };
      let placed = false;
      for (const [name, messages] of Object.entries(fields)) {
        if (where[name]) {
          form.querySelector(`#${where[name]}-error`).textContent = messages.join(" ");
          placed = true;
        }
      }
      if (error instanceof ApiError && [413, 415].includes(error.status)) {
        form.querySelector(`#${photo.id}-error`).textContent = error.message;
        placed = true;
      }
      state.textContent = placed ? tr("Controleer de gemarkeerde velden.", "Check the marked fields.") : `${tr("Niet verstuurd", "Not sent")}: ${problemText(error)}`;
    }
  });
  return form;
}

function normItem(norm, finding, role, redraw) {
  const critical = norm.severity === "critical";
  const title = norm.title ? norm.title[LANG] || norm.title.nl : "";
  const node = el("li", { class: critical ? "critical" : null, dataset: { norm: norm.norm } },
    el("h3", {}, el("span", { class: "code" }, norm.norm), ` ${title}`,
      critical && !title.includes(tr("kritiek", "critical")) ? el("span", { class: "severity-critical" }, ` (${tr("kritiek", "critical")})`) : null),
    el("p", { class: "found" }, foundText(norm.value, norm.threshold)),
    norm.failing_since
      ? el("p", { class: "since" }, `${tr("Niet gehaald sinds", "Not met since")} ${formatDay(norm.failing_since)}`,
        norm.last_assessed ? ` · ${tr("laatst beoordeeld", "last assessed")} ${formatDay(norm.last_assessed)}` : "")
      : null,
    deadlineLine(finding));
  if (finding) {
    const box = el("div", { class: "finding" }, el("h4", {}, tr("Reacties van de locatie", "Responses of the location")), responsesList(finding));
    if (RESPONDERS.includes(role)) {
      box.append(el("details", { class: "respond-box" },
        el("summary", {}, tr("Reageren op deze bevinding", "Respond to this finding")),
        responseForm(finding, redraw)));
    }
    node.append(box);
  }
  return node;
}

/** Draw the failed norms of ``location`` with their findings into ``list``. */
export async function showWhatIsWrong(list, location, role) {
  async function draw() {
    let findings = new Map();
    try {
      findings = await openFindings(location.code);
    } catch (error) {
      list.before(el("p", { class: "notice bad" }, `${tr("De bevindingen konden niet worden geladen", "The findings could not be loaded")} (${problemText(error)}).`));
    }
    const norms = [...(location.failed_norms || [])];
    // An open finding whose norm has no current failure (no recent outcome) still counts.
    for (const finding of findings.values()) {
      if (!norms.some((norm) => norm.norm === finding.norm)) {
        norms.push({ norm: finding.norm, severity: finding.severity, title: finding.title, value: finding.value,
          threshold: finding.threshold, failing_since: finding.opened_at, last_assessed: null });
      }
    }
    if (!norms.length) {
      list.replaceChildren(el("li", { class: "none" }, location.latest
        ? tr("Geen niet gehaalde normen in het huidige beeld.", "No norms unmet in the current picture.")
        : tr("Nog geen bezoek.", "No visit yet.")));
      return;
    }
    list.replaceChildren(...norms.map((norm) => normItem(norm, findings.get(norm.norm), role, draw)));
  }
  await draw();
}
