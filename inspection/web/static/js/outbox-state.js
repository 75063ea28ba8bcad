// The outbox's state machine, without IndexedDB, timers or the network (queue.js does
// those), so that node can test it. An item goes
//
//   queued --POST accepted (201, or 200 for a resend)--> photos --each photo sent or refused--> sent
//     |  network, 5xx, 429: stays queued with a problem, retried later (the same id)
//     |  401: stays queued until the inspector logs in again
//     |  409: conflict (its id belongs to other content; the user may send it as new)
//     '  other 4xx (422): rejected (the user corrects it)
//
// Every function returns new objects: the caller stores what it gets.

import { ApiError, NetworkError } from "./api-errors.js";

export const QUEUED = "queued";
export const PHOTOS = "photos";
export const CONFLICT = "conflict";
export const REJECTED = "rejected";
export const WAITING = "waiting";
export const UPLOADED = "uploaded";
export const REFUSED = "refused";

/** What sending an item came to: done, kept (needs the user), login, or seconds to wait. */
export const DONE = "done";
export const KEPT = "kept";
export const LOGIN = "login";

export const FIRST_DELAY_MS = 2000;
export const MAX_DELAY_MS = 5 * 60 * 1000;
export const KEEP_SENT = 20;

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

/** A new submission (and its photos: [{id, norm, blob, name}]) waiting to be sent. */
export function queuedItem(body, photos, meta, now = new Date()) {
  return {
    id: body.id,
    body,
    meta,
    photos: photos.map((p) => ({ ...p, state: WAITING })),
    state: QUEUED,
    queuedAt: now.toISOString(),
    attempts: 0,
    problem: null,
    fields: null,
    result: null,
  };
}

/** The items still to send, oldest first. */
export function pending(items) {
  return items.filter((i) => i.state === QUEUED || i.state === PHOTOS).sort(byQueuedAt);
}

export function byQueuedAt(a, b) {
  return a.queuedAt.localeCompare(b.queuedAt);
}

export function newestSentFirst(a, b) {
  return b.sentAt.localeCompare(a.sentAt);
}

/** Sent only by the inspector who filled it in: the API records the sender as inspector. */
export function sendsAs(item, username) {
  return !(item.meta && item.meta.user && item.meta.user !== username);
}

export function attempted(item) {
  return { ...item, attempts: item.attempts + 1 };
}

/** The API has the submission (201, or 200 when it already had it): its photos follow. */
export function accepted(item, result) {
  return { ...item, result, state: PHOTOS, problem: null };
}

/** Worth trying again later with the same id: the server may not have had it. */
function retryable(error) {
  return error instanceof NetworkError || !(error instanceof ApiError) || error.status >= 500 || error.status === 429;
}

/** The POST failed: the item as it stays, and the outcome. */
export function notAccepted(item, error) {
  if (retryable(error)) {
    const problem = error instanceof NetworkError ? "network" : `HTTP ${error.status || "?"}`;
    return { item: { ...item, problem }, outcome: error.retryAfter || 0 };
  }
  if (error.status === 401) return { item: { ...item, problem: LOGIN }, outcome: LOGIN };
  // 409: the id was used for other content; 422 and others: the content needs the user.
  const state = error.status === 409 ? CONFLICT : REJECTED;
  return {
    item: { ...item, state, problem: error.message, status: error.status, fields: error.fields },
    outcome: KEPT,
  };
}

/** The photos still to upload. */
export function waitingPhotos(item) {
  return item.photos.filter((p) => p.state === WAITING);
}

function withPhoto(item, id, change) {
  return { ...item, photos: item.photos.map((p) => (p.id === id ? { ...p, ...change } : p)) };
}

/** A photo arrived (201, or 200 when the server had it already): its blob is no longer kept. */
export function photoUploaded(item, id) {
  return withPhoto(item, id, { state: UPLOADED, blob: null });
}

/**
 * A photo's upload failed: the item as it stays and the outcome, seconds to wait (the
 * network or the server: the photo waits), "login", or "refused" (the API will not take
 * it: the others still go, and the result says which was refused).
 */
export function photoFailed(item, id, error) {
  if (error instanceof NetworkError || error.status >= 500 || error.status === 429) {
    return { item, outcome: error.retryAfter || 0 };
  }
  if (error.status === 401) return { item, outcome: LOGIN };
  return { item: withPhoto(item, id, { state: REFUSED, problem: error.message }), outcome: REFUSED };
}

/** What is kept of a sent item: the API's result and what became of its photos. */
export function sentRecord(item, now = new Date()) {
  return {
    id: item.id,
    meta: item.meta,
    result: item.result,
    photos: item.photos.filter((p) => p.state === UPLOADED).length,
    refusedPhotos: item.photos.filter((p) => p.state === REFUSED).map((p) => ({ name: p.name, problem: p.problem })),
    sentAt: now.toISOString(),
  };
}

/** The sent records no longer kept: all but the newest ``keep``. */
export function overflow(sent, keep = KEEP_SENT) {
  return [...sent].sort(newestSentFirst).slice(keep);
}

/**
 * Milliseconds until the next round after ``failures`` failed ones in a row: doubling from
 * two seconds up to five minutes, at least what the server asked (Retry-After), spread by
 * ±20% (``random`` in [0, 1)) so that phones coming back online do not all retry at once.
 */
export function retryDelay(failures, retryAfterSeconds = 0, random = Math.random()) {
  const backoff = Math.min(FIRST_DELAY_MS * 2 ** (failures - 1), MAX_DELAY_MS);
  return Math.max(backoff, retryAfterSeconds * 1000) * (0.8 + random * 0.4);
}

/** A conflicting item sent again under ``id``: its body and photos for a new item. */
export function asNew(item, id) {
  return {
    body: { ...item.body, id },
    photos: item.photos.map(({ state, problem, ...photo }) => photo),
  };
}
