// The phone's queue and the result of the last inspection sent: what the
// inspector sees of the outbox, in the form's language.

import { $, badge, el, failedNormItem, formatDay, formatScore, sortFailed, storedSession } from "./common.js";
import { store } from "./store.js";

/** ``t(key)`` gives a text, ``lang()`` the form's language, ``onCorrect(id)`` reopens a refused item. */
export function outboxView(outbox, { t, lang, onCorrect }) {
  function itemState(item) {
    if (item.state === "conflict") return t("conflict");
    if (item.state === "rejected") return `${t("rejected")} (${item.status}): ${item.problem}`;
    if (item.state === "photos") {
      const done = item.photos.filter((p) => p.state !== "waiting").length;
      return `${t("sending_photos")} (${done} ${t("of")} ${item.photos.length}).`;
    }
    const current = storedSession();
    if (item.meta && item.meta.user && (!current || current.user.username !== item.meta.user)) {
      return `${t("queued")} ${t("waits_for")} ${item.meta.user}.`;
    }
    if (item.problem === "login") return t("needs_login");
    if (item.problem && outbox.nextTry) {
      const at = new Date(outbox.nextTry).toLocaleTimeString(lang() === "en" ? "en-GB" : "nl-NL", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
      return `${t("queued")} ${t("retry_at")} ${at}.`;
    }
    return t("queued");
  }

  async function draw() {
    const items = await outbox.items();
    $("#outbox").hidden = items.length === 0;
    $("#outbox-items").replaceChildren(...items.map((item) => {
      const actions = el("p", { class: "row" });
      if (item.state === "queued") actions.append(action(t("send_now"), () => outbox.flush()));
      if (item.state === "rejected" && item.status === 422) actions.append(action(t("correct"), () => onCorrect(item.id)));
      if (item.state === "conflict") actions.append(action(t("send_as_new"), () => outbox.resendAsNew(item.id)));
      if (item.state === "conflict" || item.state === "rejected" || item.state === "queued") {
        actions.append(action(t("delete"), () => {
          if (window.confirm(t("delete_confirm"))) outbox.remove(item.id);
        }));
      }
      const bad = item.state === "conflict" || item.state === "rejected";
      return el("li", { dataset: { id: item.id, state: item.state } },
        el("strong", {}, item.meta ? item.meta.name : item.body.location),
        el("span", { class: "muted small" }, ` · ${t("visit")} ${formatDay(item.body.observed_at, lang())} ${item.body.observed_at.slice(11, 16)}`),
        el("p", { class: `notice small${bad ? " bad" : ""}` }, itemState(item)),
        actions);
    }));
  }

  function action(text, handler) {
    const button = el("button", { type: "button" }, text);
    button.addEventListener("click", handler);
    return button;
  }

  /** The norm titles of a type as the phone kept its checklists (the result shows offline too). */
  async function storedTitles(type) {
    const titles = {};
    // The other language first: the form's own language wins where both are known.
    for (const code of [lang() === "en" ? "nl" : "en", lang()]) {
      const form = await store.get("kv", `form:${type}:${code}`);
      for (const group of form ? form.groups : []) for (const norm of group.norms) titles[norm.code] = norm.title;
    }
    return titles;
  }

  async function showResult(done) {
    if (!done) return;
    const result = done.result;
    const titles = await storedTitles(done.meta ? done.meta.type : "");
    const failed = sortFailed(result.results || []);
    const coverage = result.score.coverage === null ? "–" : `${formatScore(result.score.coverage, lang())}%`;
    const body = [
      el("p", { class: "muted" }, `${done.meta ? done.meta.name : result.location} · ${formatDay(result.observed_at, lang())}`),
      el("p", {}, el("span", { class: "visually-hidden" }, `${t("score")}: `),
        el("span", { class: "score", dataset: { testid: "score" } }, formatScore(result.score.overall, lang())),
        el("span", { class: "muted" }, " / 100")),
      el("p", {}, badge(result.score.status, lang())),
      el("p", { class: "small" }, `${t("coverage")}: ${coverage}`),
      el("h3", {}, t("failed_norms")),
    ];
    if (failed.length) {
      body.push(el("ul", { class: "failed", dataset: { testid: "failed-norms" } }, failed.map((r) =>
        failedNormItem(r.norm, titles[r.norm], r.severity === "critical", lang()))));
    } else {
      body.push(el("p", {}, t("all_passed")));
    }
    if (done.photos) body.push(el("p", { class: "small muted" }, `${done.photos} ${t(done.photos === 1 ? "photo_sent" : "photos_sent")}`));
    for (const refused of done.refusedPhotos || []) {
      body.push(el("p", { class: "small error" }, `${t("photos_refused")}: ${refused.name} (${refused.problem})`));
    }
    $("#result-body").replaceChildren(...body);
    $("#result").hidden = false;
    $("#result").dataset.inspection = done.id;
  }

  return { draw, showResult };
}
