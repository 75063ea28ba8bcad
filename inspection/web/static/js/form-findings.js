// The chosen location's open findings on the phone form: shown before the checklist
// ("eerst controleren"), kept on the phone for offline visits, and the follow-up
// visit whose checklist holds only the questions of those norms.

import { ApiError, NetworkError, api, el, formatDay } from "./common.js";
import { store } from "./store.js";

/** The open findings of ``code``: from the network, else as the phone kept them. */
export async function openFindingsOf(code) {
  const key = `findings:${code}`;
  try {
    const { data } = await api(`/findings?location=${encodeURIComponent(code)}&state=open&per_page=100`);
    await store.put("kv", data.items, key);
    return data.items;
  } catch (error) {
    if (error instanceof ApiError && [403, 404].includes(error.status)) return [];
    if (error instanceof ApiError && error.status === 401) throw error;
    if (!(error instanceof NetworkError) && !(error instanceof ApiError)) throw error;
    return (await store.get("kv", key)) || [];
  }
}

/** The card above the checklist: what to check first, and the follow-up switch. */
export function firstCheckCard(findings, { t, lang, followUp, onFollowUp }) {
  const items = findings.map((finding) => el("li", { dataset: { norm: finding.norm, overdue: String(finding.overdue) } },
    el("strong", { class: finding.severity === "critical" ? "severity-critical" : null }, finding.norm),
    ` ${finding.title ? finding.title[lang] || finding.title.nl : ""} `,
    el("span", { class: `small${finding.overdue ? " overdue" : " muted"}` },
      `(${t("failing_since")} ${formatDay(finding.opened_at, lang)}; ${t("deadline")} ${formatDay(finding.deadline, lang)}${finding.overdue ? `, ${t("overdue")}` : ""})`)));
  const toggle = el("button", { type: "button", id: "follow-up", "aria-pressed": String(followUp) },
    followUp ? t("follow_up_off") : t("follow_up_on").replace("{n}", String(findings.length)));
  toggle.addEventListener("click", () => onFollowUp(!followUp));
  return el("section", { class: "card first-check", id: "first-check", "aria-labelledby": "first-check-title" },
    el("h2", { id: "first-check-title" }, t("check_first")),
    el("p", { class: "small" }, t("check_first_help")),
    el("ul", { dataset: { testid: "open-findings" } }, items),
    followUp ? el("p", { class: "follow-up-note small" }, t("follow_up_note")) : null,
    el("p", {}, toggle));
}

/** ``form`` with only the norms of ``codes`` and the questions they are judged on. */
export function followUpForm(form, codes) {
  const wanted = new Set(codes);
  const norms = form.groups.flatMap((group) => group.norms).filter((norm) => wanted.has(norm.code));
  const items = new Set(norms.flatMap((norm) => norm.items || []));
  const groups = form.groups
    .map((group) => ({
      ...group,
      items: group.items.filter((item) => items.has(item.code)),
      norms: group.norms.filter((norm) => wanted.has(norm.code)),
    }))
    .filter((group) => group.items.length || group.norms.length);
  return { ...form, groups };
}
