// The outbox: submissions wait here (in IndexedDB, with their photos) until the
// API has them. Each keeps the id made on the phone, so a resend after a lost
// answer is recognised by the server (200) and never stored twice.

import { ApiError, NetworkError, api, session } from "./common.js";
import { store } from "./store.js";

const FIRST_DELAY_MS = 2000;
const MAX_DELAY_MS = 5 * 60 * 1000;
const KEEP_SENT = 20;

export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Now, in ISO 8601 with the phone's own UTC offset (2026-11-20T10:15:00+01:00). */
export function localTimestamp(date = new Date()) {
  const pad = (n) => String(Math.abs(Math.trunc(n))).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}

export class Outbox extends EventTarget {
  constructor() {
    super();
    this.timer = null;
    this.failures = 0;
    this.running = null;
    window.addEventListener("online", () => {
      this.failures = 0;
      this.flush();
    });
  }

  changed(detail = {}) {
    this.dispatchEvent(new CustomEvent("change", { detail }));
  }

  /** Keep a submission (and its photos: [{id, norm, blob, name}]) and try to send it. */
  async add(body, photos, meta) {
    const item = {
      id: body.id,
      body,
      meta,
      photos: photos.map((p) => ({ ...p, state: "waiting" })),
      state: "queued",
      queuedAt: new Date().toISOString(),
      attempts: 0,
      problem: null,
      fields: null,
      result: null,
    };
    await store.put("outbox", item);
    this.changed({ id: item.id });
    this.flush();
    return item;
  }

  items() {
    return store.all("outbox").then((items) => items.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt)));
  }

  sent() {
    return store.all("sent").then((items) => items.sort((a, b) => b.sentAt.localeCompare(a.sentAt)));
  }

  async remove(id) {
    await store.delete("outbox", id);
    this.changed({ id });
  }

  /** Send the item again under a new id (after a 409: the old id belongs to other content). */
  async resendAsNew(id) {
    const item = await store.get("outbox", id);
    if (!item) return;
    await store.delete("outbox", id);
    const fresh = { ...item.body, id: newId() };
    await this.add(fresh, item.photos.map(({ state, problem, ...photo }) => photo), item.meta);
  }

  /** Try again now: after logging in, after "retry", on page load and when the network returns. */
  flush() {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    clearTimeout(this.timer);
    this.running = this.withLock(() => this.sendAll()).finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.flush();
      }
    });
    return this.running;
  }

  withLock(work) {
    // Two open tabs must not send the same item at the same moment.
    if (navigator.locks) return navigator.locks.request("inspection-outbox", work);
    return work();
  }

  async sendAll() {
    let retry = false;
    let retryAfter = 0;
    const current = session();
    const pending = (await this.items()).filter((i) => i.state === "queued" || i.state === "photos");
    if (!pending.length) return;
    if (!current) {
      this.dispatchEvent(new CustomEvent("unauthorized"));
      return;
    }
    for (const item of pending) {
      // Sent only by the inspector who filled it in: the API records the sender as inspector.
      if (item.meta && item.meta.user && item.meta.user !== current.user.username) continue;
      const outcome = await this.send(item);
      if (outcome === "login") {
        this.dispatchEvent(new CustomEvent("unauthorized"));
        return;
      }
      if (typeof outcome === "number") {
        retry = true;
        retryAfter = Math.max(retryAfter, outcome);
      }
    }
    if (retry) {
      this.failures += 1;
      const backoff = Math.min(FIRST_DELAY_MS * 2 ** (this.failures - 1), MAX_DELAY_MS);
      const delay = Math.max(backoff, retryAfter * 1000) * (0.8 + Math.random() * 0.4);
      this.nextTry = Date.now() + delay;
      this.timer = setTimeout(() => this.flush(), delay);
      this.changed();
    } else {
      this.failures = 0;
      this.nextTry = null;
    }
  }

  /** One item: "done", "kept" (needs the user), "login", or seconds to wait before retrying. */
  async send(item) {
    item.attempts += 1;
    if (item.state === "queued") {
      try {
        const { data } = await api("/inspections", { method: "POST", json: item.body });
        item.result = data;
        item.state = "photos";
        item.problem = null;
      } catch (error) {
        return this.failed(item, error);
      }
      await store.put("outbox", item);
      this.changed({ id: item.id, sent: true });
    }
    for (const photo of item.photos) {
      if (photo.state !== "waiting") continue;
      const form = new FormData();
      form.append("photo", photo.blob, photo.name || "foto.jpg");
      form.append("id", photo.id);
      if (photo.norm) form.append("norm", photo.norm);
      try {
        await api(`/inspections/${item.id}/photos`, { method: "POST", form });
        photo.state = "uploaded";
        photo.blob = null;
      } catch (error) {
        if (error instanceof NetworkError || error.status >= 500 || error.status === 429) {
          await store.put("outbox", item);
          return error.retryAfter || 0;
        }
        if (error.status === 401) return "login";
        photo.state = "refused";
        photo.problem = error.message;
      }
      await store.put("outbox", item);
      this.changed({ id: item.id });
    }
    await this.finish(item);
    return "done";
  }

  async failed(item, error) {
    if (error instanceof NetworkError || !(error instanceof ApiError) || error.status >= 500 || error.status === 429) {
      item.problem = error instanceof NetworkError ? "network" : `HTTP ${error.status || "?"}`;
      await store.put("outbox", item);
      this.changed({ id: item.id });
      return error.retryAfter || 0;
    }
    if (error.status === 401) {
      item.problem = "login";
      await store.put("outbox", item);
      this.changed({ id: item.id });
      return "login";
    }
    // 409: the id was used for other content; 422 and others: the content needs the user.
    item.state = error.status === 409 ? "conflict" : "rejected";
    item.problem = error.message;
    item.status = error.status;
    item.fields = error.fields;
    await store.put("outbox", item);
    this.changed({ id: item.id, rejected: true });
    return "kept";
  }

  async finish(item) {
    const refused = item.photos.filter((p) => p.state === "refused").map((p) => ({ name: p.name, problem: p.problem }));
    const done = {
      id: item.id,
      meta: item.meta,
      result: item.result,
      photos: item.photos.filter((p) => p.state === "uploaded").length,
      refusedPhotos: refused,
      sentAt: new Date().toISOString(),
    };
    await store.put("sent", done);
    await store.delete("outbox", item.id);
    const all = await this.sent();
    for (const old of all.slice(KEEP_SENT)) await store.delete("sent", old.id);
    this.changed({ id: item.id, done: true, result: done });
  }
}
