// The outbox: submissions wait here (in IndexedDB, with their photos) until the
// API has them. Each keeps the id made on the phone, so a resend after a lost
// answer is recognised by the server (200) and never stored twice. The states and
// what moves an item between them are in outbox-state.js; this class stores the
// items, calls the API, and schedules the retries.

import { api, session } from "./common.js";
import {
  DONE,
  LOGIN,
  QUEUED,
  accepted,
  asNew,
  attempted,
  byQueuedAt,
  newId,
  newestSentFirst,
  notAccepted,
  overflow,
  pending,
  photoFailed,
  photoUploaded,
  queuedItem,
  retryDelay,
  sendsAs,
  sentRecord,
  waitingPhotos,
} from "./outbox-state.js";
import { store } from "./store.js";

export { localTimestamp, newId } from "./outbox-state.js";

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
    const item = queuedItem(body, photos, meta);
    await store.put("outbox", item);
    this.changed({ id: item.id });
    this.flush();
    return item;
  }

  items() {
    return store.all("outbox").then((items) => items.sort(byQueuedAt));
  }

  sent() {
    return store.all("sent").then((items) => items.sort(newestSentFirst));
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
    const { body, photos } = asNew(item, newId());
    await this.add(body, photos, item.meta);
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
    const waiting = pending(await store.all("outbox"));
    if (!waiting.length) return;
    if (!current) {
      this.dispatchEvent(new CustomEvent("unauthorized"));
      return;
    }
    for (const item of waiting) {
      if (!sendsAs(item, current.user.username)) continue;
      const outcome = await this.send(item);
      if (outcome === LOGIN) {
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
      const delay = retryDelay(this.failures, retryAfter);
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
    item = attempted(item);
    if (item.state === QUEUED) {
      try {
        const { data } = await api("/inspections", { method: "POST", json: item.body });
        item = accepted(item, data);
      } catch (error) {
        const { item: kept, outcome } = notAccepted(item, error);
        await store.put("outbox", kept);
        this.changed(kept.state === QUEUED ? { id: kept.id } : { id: kept.id, rejected: true });
        return outcome;
      }
      await store.put("outbox", item);
      this.changed({ id: item.id, sent: true });
    }
    for (const photo of waitingPhotos(item)) {
      const form = new FormData();
      form.append("photo", photo.blob, photo.name || "foto.jpg");
      form.append("id", photo.id);
      if (photo.norm) form.append("norm", photo.norm);
      try {
        await api(`/inspections/${item.id}/photos`, { method: "POST", form });
        item = photoUploaded(item, photo.id);
      } catch (error) {
        const { item: kept, outcome } = photoFailed(item, photo.id, error);
        if (outcome === LOGIN) return LOGIN;
        if (typeof outcome === "number") {
          await store.put("outbox", kept);
          return outcome;
        }
        item = kept;
      }
      await store.put("outbox", item);
      this.changed({ id: item.id });
    }
    await this.finish(item);
    return DONE;
  }

  async finish(item) {
    const done = sentRecord(item);
    await store.put("sent", done);
    await store.delete("outbox", item.id);
    for (const old of overflow(await store.all("sent"))) await store.delete("sent", old.id);
    this.changed({ id: item.id, done: true, result: done });
  }
}
