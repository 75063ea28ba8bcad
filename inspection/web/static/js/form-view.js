// The checklist of one location type, drawn from GET /api/v1/forms/<type>:
// one section per group, the right input per item type, a note and photos per
// norm, and the API's error paths (answers.<item>, notes.<norm>) next to the inputs.

import { UNIT_LABELS, el } from "./common.js";
import { newId } from "./queue.js";
import { readableSize } from "./sizes.js";


const NUMERIC = new Set(["integer", "number", "percentage"]);

function fieldId(path) {
  return `field-${path.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/**
 * Draw ``form`` into ``container``. ``t(key)`` gives the UI texts in the form's language.
 * Returns the view: values(), setValues(), photos, setPhotos(), validate(), showErrors(), clearErrors().
 */
export function renderForm(container, form, t, { onChange, photoMaxBytes }) {
  const lang = form.lang;
  const items = new Map();
  const noteCodes = [];
  let photos = [];
  const photoLists = new Map();
  container.replaceChildren();

  function tooLarge(size) {
    return t("photo_size")
      .replace("{size}", readableSize(size, lang))
      .replace("{max}", readableSize(photoMaxBytes, lang));
  }

  for (const group of form.groups) {
    const section = el("section", { class: "card group", "aria-labelledby": `group-${group.code}` },
      el("h2", { id: `group-${group.code}` }, group.title));
    // A norm's note and photos come right after the last of its questions in this group;
    // a norm judged only on questions of another group closes its own group.
    const after = new Map();
    const atEnd = [];
    for (const norm of group.norms) {
      noteCodes.push(norm.code);
      const own = group.items.filter((item) => (norm.items || []).includes(item.code));
      if (own.length) {
        const last = own[own.length - 1].code;
        after.set(last, [...(after.get(last) || []), norm]);
      } else {
        atEnd.push(norm);
      }
    }
    for (const item of group.items) {
      items.set(item.code, item);
      section.append(renderItem(item));
      for (const norm of after.get(item.code) || []) section.append(renderNorm(norm));
    }
    for (const norm of atEnd) section.append(renderNorm(norm));
    container.append(section);
  }
  const general = document.getElementById("general-photos");
  general.replaceChildren(renderPhotoInput(null, t("add_photo")));

  function errorSlot(path) {
    return el("p", { class: "field-error", id: `${fieldId(path)}-error`, "aria-live": "polite" });
  }

  function renderItem(item) {
    const path = `answers.${item.code}`;
    const id = fieldId(path);
    // The unit once: not after a label that already ends in it, as "(m²)" or "(dagen)".
    const unitText = item.unit ? UNIT_LABELS[lang][item.unit] || item.unit : null;
    const unit = unitText && !item.label.includes(`(${unitText})`) ? unitText : null;
    const help = item.help ? el("p", { class: "help", id: `${id}-help` }, item.help) : null;
    const described = [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(" ");
    const wrapper = el("div", { class: "item", dataset: { path, item: item.code } });

    if (item.type === "boolean") {
      const options = [["true", t("yes")], ["false", t("no")], ["", t("unanswered")]];
      const fieldset = el("fieldset", { class: "yesno", "aria-describedby": described },
        el("legend", { id: `${id}-legend` }, item.label),
        help,
        el("div", { class: "segmented" }, options.map(([value, text], index) =>
          el("label", {},
            el("input", { type: "radio", name: path, value, id: index === 0 ? id : null, checked: value === "" }),
            el("span", {}, text)))));
      wrapper.append(fieldset, errorSlot(path));
      return wrapper;
    }

    const label = el("label", { for: id }, item.label, unit ? el("span", { class: "unit" }, ` (${unit})`) : null);
    let input;
    if (item.type === "choice") {
      input = el("select", { id, name: path, "aria-describedby": described },
        el("option", { value: "" }, `— ${t("unanswered")} —`),
        item.choices.map((choice, index) => el("option", { value: String(index) }, choice.label)));
    } else if (item.type === "text") {
      input = el("textarea", { id, name: path, maxlength: 2000, "aria-describedby": described });
    } else {
      input = el("input", {
        type: "number",
        id,
        name: path,
        inputmode: item.type === "integer" ? "numeric" : "decimal",
        step: item.type === "integer" ? "1" : "any",
        min: item.min ?? null,
        max: item.max ?? null,
        autocomplete: "off",
        "aria-describedby": described,
      });
    }
    wrapper.append(...[label, help, input, errorSlot(path)].filter(Boolean));
    return wrapper;
  }

  function renderNorm(norm) {
    const path = `notes.${norm.code}`;
    const id = fieldId(path);
    const details = el("details", { class: "norm", dataset: { norm: norm.code } },
      el("summary", {}, el("span", { class: "code" }, norm.code),
        el("span", {}, norm.title, el("span", { class: "hint" }, t("note_or_photo")))),
      el("label", { for: id }, `${t("note_for")} ${norm.code}`),
      el("textarea", { id, name: path, maxlength: 2000, "aria-describedby": `${id}-error` }),
      errorSlot(path),
      renderPhotoInput(norm.code, `${t("photo_for")} ${norm.code}`));
    return details;
  }

  function renderPhotoInput(norm, text) {
    const id = fieldId(`photo-${norm || "general"}`);
    const list = el("ul", { class: "photos", "aria-label": text });
    photoLists.set(norm, list);
    const input = el("input", { type: "file", id, accept: "image/jpeg,image/png", capture: "environment", dataset: { norm: norm || "" } });
    const problem = el("p", { class: "field-error", id: `${id}-error` });
    input.setAttribute("aria-describedby", `${id}-error`);
    input.addEventListener("change", () => {
      problem.textContent = "";
      for (const file of input.files) {
        if (!["image/jpeg", "image/png"].includes(file.type)) problem.textContent = t("photo_type");
        else if (photoMaxBytes && file.size > photoMaxBytes) problem.textContent = tooLarge(file.size);
        else photos.push({ id: newId(), norm, blob: file, name: file.name, type: file.type });
      }
      input.value = "";
      drawPhotos();
      changed();
    });
    return el("div", { class: "photo-input" }, input, el("label", { for: id }, el("span", { "aria-hidden": "true" }, "+ "), text), problem, list);
  }

  function drawPhotos() {
    for (const [norm, list] of photoLists) {
      for (const img of list.querySelectorAll("img")) URL.revokeObjectURL(img.src);
      list.replaceChildren(...photos.filter((p) => p.norm === norm).map((photo) => {
        const remove = el("button", { type: "button", class: "small" }, t("remove"));
        remove.addEventListener("click", () => {
          photos = photos.filter((p) => p !== photo);
          drawPhotos();
          changed();
        });
        return el("li", {}, el("img", { src: URL.createObjectURL(photo.blob), alt: photo.name || t("photo") }), remove);
      }));
    }
  }

  function input(code) {
    return container.querySelector(`[name="answers.${code}"]`);
  }

  function readAnswer(item) {
    if (item.type === "boolean") {
      const checked = container.querySelector(`input[name="answers.${item.code}"]:checked`);
      if (!checked || checked.value === "") return { value: null };
      return { value: checked.value === "true" };
    }
    const node = input(item.code);
    if (item.type === "choice") return { value: node.value === "" ? null : item.choices[Number(node.value)].value };
    if (item.type === "text") return { value: node.value.trim() === "" ? null : node.value };
    if (node.validity.badInput) return { value: null, problem: t("not_a_number") };
    if (node.value.trim() === "") return { value: null };
    return { value: Number(node.value) };
  }

  function values() {
    const answers = {};
    for (const item of items.values()) {
      const { value } = readAnswer(item);
      if (value !== null) answers[item.code] = value;
    }
    const notes = {};
    for (const code of noteCodes) {
      const text = container.querySelector(`[name="notes.${code}"]`).value.trim();
      if (text) notes[code] = text;
    }
    return { answers, notes };
  }

  function setValues({ answers = {}, notes = {} }) {
    for (const item of items.values()) {
      const value = answers[item.code];
      if (item.type === "boolean") {
        const wanted = value === true ? "true" : value === false ? "false" : "";
        container.querySelector(`input[name="answers.${item.code}"][value="${wanted}"]`).checked = true;
      } else if (item.type === "choice") {
        const index = item.choices.findIndex((c) => c.value === value);
        input(item.code).value = index < 0 ? "" : String(index);
      } else {
        input(item.code).value = value === undefined || value === null ? "" : String(value);
      }
    }
    for (const code of noteCodes) {
      const node = container.querySelector(`[name="notes.${code}"]`);
      node.value = notes[code] || "";
      if (node.value) node.closest("details").open = true;
    }
    progress();
  }

  /** Problems found on the phone, keyed like the API's error paths. */
  function validate() {
    const problems = {};
    const valid = {};
    for (const item of items.values()) {
      const { value, problem } = readAnswer(item);
      const path = `answers.${item.code}`;
      if (problem) problems[path] = [problem];
      if (value === null || !NUMERIC.has(item.type)) continue;
      const messages = [];
      if (item.type === "integer" && !Number.isInteger(value)) messages.push(t("whole_number"));
      if (item.min !== null && value < item.min) messages.push(`${t("at_least")} ${item.min}`);
      if (item.max !== null && value > item.max) messages.push(`${t("at_most")} ${item.max}`);
      if (messages.length) problems[path] = messages;
      else valid[item.code] = value;
    }
    for (const [code, value] of Object.entries(valid)) {
      const other = items.get(code).max_item;
      if (other && other in valid && value > valid[other]) {
        const otherLabel = items.get(other).label;
        (problems[`answers.${code}`] ||= []).push(`${t("not_more_than")} “${otherLabel}” (${valid[other]})`);
      }
    }
    return problems;
  }

  function clearErrors() {
    for (const slot of container.querySelectorAll(".field-error")) slot.textContent = "";
    for (const node of container.querySelectorAll(".invalid")) node.classList.remove("invalid");
    for (const node of container.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  }

  /** Show ``fields`` ({path: [messages]}) next to their inputs; returns the paths it could not place. */
  function showErrors(fields) {
    clearErrors();
    const unplaced = {};
    let first = null;
    for (const [path, messages] of Object.entries(fields || {})) {
      const slot = document.getElementById(`${fieldId(path)}-error`);
      if (!slot || !container.contains(slot)) {
        unplaced[path] = messages;
        continue;
      }
      slot.textContent = messages.join(" ");
      const target = document.getElementById(fieldId(path));
      const box = slot.closest(".item") || slot.closest("details");
      if (box) box.classList.add("invalid");
      if (box && box.tagName === "DETAILS") box.open = true;
      if (target) target.setAttribute("aria-invalid", "true");
      // The first problem on the page, whatever order the checks found them in.
      const node = target || slot;
      if (!first || node.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING) first = node;
    }
    if (first) {
      first.scrollIntoView({ block: "center" });
      first.focus({ preventScroll: true });
    }
    return unplaced;
  }

  function answeredCount() {
    return Object.keys(values().answers).length;
  }

  /** The groups with questions still open: [{code, title, open, total}], in the form's order. */
  function unansweredGroups() {
    const answered = values().answers;
    return form.groups
      .map((group) => ({
        code: group.code,
        title: group.title,
        total: group.items.length,
        open: group.items.filter((item) => !(item.code in answered)).length,
      }))
      .filter((group) => group.open > 0);
  }

  function progress() {
    document.getElementById("progress").textContent = `${answeredCount()} / ${items.size} ${t("answered")}`;
  }

  function changed() {
    progress();
    if (onChange) onChange();
  }

  container.addEventListener("input", changed);
  container.addEventListener("change", changed);
  progress();

  return {
    values,
    setValues,
    unansweredGroups,
    validate,
    showErrors,
    clearErrors,
    get photos() {
      return photos;
    },
    setPhotos(list) {
      photos = list.filter((p) => p.blob && (p.norm === null || noteCodes.includes(p.norm)));
      drawPhotos();
    },
    destroy() {
      container.removeEventListener("input", changed);
      container.removeEventListener("change", changed);
    },
  };
}
