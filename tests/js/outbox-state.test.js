// The phone's outbox as a state machine (inspection/web/static/js/outbox-state.js), in node:
// what each answer of the API does to a waiting submission and its photos.

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ApiError, NetworkError } from "../../inspection/web/static/js/api-errors.js";
import {
  CONFLICT, DONE, KEEP_SENT, KEPT, LOGIN, MAX_DELAY_MS, PHOTOS, QUEUED, REFUSED, REJECTED, UPLOADED, WAITING,
  accepted, asNew, attempted, localTimestamp, newId, notAccepted, overflow, pending, photoFailed,
  photoUploaded, queuedItem, retryDelay, sendsAs, sentRecord, waitingPhotos,
} from "../../inspection/web/static/js/outbox-state.js";

const ID = "0b7f3c2e-5d1a-4c8e-9f00-1234567890ab";
const BODY = { id: ID, location: "TER-APEL", observed_at: "2026-11-20T10:15:00+01:00", answers: { A1: true }, notes: {} };
const META = { code: "TER-APEL", name: "Ter Apel", type: "azc", user: "inspecteur" };
const PHOTO_A = { id: "p-a", norm: "HYG-01", blob: "blob-a", name: "a.jpg" };
const PHOTO_B = { id: "p-b", norm: null, blob: "blob-b", name: "b.jpg" };

function apiError(status, { message = `refused ${status}`, fields = {}, retryAfter } = {}) {
  const headers = new Headers(retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) });
  return new ApiError(status, { error: { code: "x", message, fields } }, headers);
}

function fresh() {
  return queuedItem(BODY, [PHOTO_A, PHOTO_B], META, new Date("2026-11-20T09:15:00Z"));
}

const RESULT = { id: ID, location: "TER-APEL", score: { overall: 72.5, status: "below_norm" }, results: [] };

describe("a new submission", () => {
  it("waits under the id made on the phone, with every photo waiting", () => {
    const item = fresh();
    assert.equal(item.id, ID);
    assert.equal(item.state, QUEUED);
    assert.equal(item.attempts, 0);
    assert.equal(item.queuedAt, "2026-11-20T09:15:00.000Z");
    assert.deepEqual(item.photos.map((p) => [p.id, p.state]), [["p-a", WAITING], ["p-b", WAITING]]);
    assert.equal(PHOTO_A.state, undefined, "the photos handed in are not changed");
  });

  it("is pending until sent, oldest first; refused ones wait for the user instead", () => {
    const older = { ...fresh(), id: "older", queuedAt: "2026-11-20T08:00:00.000Z" };
    const sending = { ...fresh(), id: "sending", state: PHOTOS };
    const conflict = { ...fresh(), id: "conflict", state: CONFLICT };
    const rejected = { ...fresh(), id: "rejected", state: REJECTED };
    assert.deepEqual(pending([fresh(), conflict, sending, rejected, older]).map((i) => i.id), ["older", ID, "sending"]);
  });

  it("is sent only by the inspector who filled it in", () => {
    assert.equal(sendsAs(fresh(), "inspecteur"), true);
    assert.equal(sendsAs(fresh(), "someone-else"), false);
    assert.equal(sendsAs({ ...fresh(), meta: { ...META, user: null } }, "someone-else"), true);
  });
});

describe("sending the submission", () => {
  it("counts each attempt", () => {
    assert.equal(attempted(attempted(fresh())).attempts, 2);
  });

  it("goes on to its photos once the API has it", () => {
    const item = accepted({ ...attempted(fresh()), problem: "network" }, RESULT);
    assert.equal(item.state, PHOTOS);
    assert.equal(item.problem, null);
    assert.deepEqual(item.result, RESULT);
  });

  it("stays queued under the same id when the network fails, to be retried", () => {
    const { item, outcome } = notAccepted(fresh(), new NetworkError("Failed to fetch"));
    assert.equal(item.state, QUEUED);
    assert.equal(item.id, ID);
    assert.equal(item.problem, "network");
    assert.equal(outcome, 0);
  });

  for (const status of [500, 503, 429]) {
    it(`stays queued on ${status}, waiting at least the Retry-After the server sends`, () => {
      const { item, outcome } = notAccepted(fresh(), apiError(status, { retryAfter: 30 }));
      assert.equal(item.state, QUEUED);
      assert.equal(item.problem, `HTTP ${status}`);
      assert.equal(outcome, 30);
    });
  }

  it("stays queued on an error that is not the API's (it may not have arrived)", () => {
    const { item, outcome } = notAccepted(fresh(), new TypeError("body used already"));
    assert.equal(item.state, QUEUED);
    assert.equal(item.problem, "HTTP ?");
    assert.equal(outcome, 0);
  });

  it("waits for a new login on 401, without losing the submission", () => {
    const { item, outcome } = notAccepted(fresh(), apiError(401));
    assert.equal(outcome, LOGIN);
    assert.equal(item.state, QUEUED);
    assert.equal(item.problem, LOGIN);
    assert.deepEqual(pending([item]).map((i) => i.id), [ID]);
  });

  it("is kept as a conflict on 409: its id belongs to other content", () => {
    const { item, outcome } = notAccepted(fresh(), apiError(409, { message: "The id is taken by another inspection" }));
    assert.equal(outcome, KEPT);
    assert.equal(item.state, CONFLICT);
    assert.equal(item.status, 409);
    assert.equal(item.problem, "The id is taken by another inspection");
    assert.deepEqual(pending([item]), []);
  });

  it("is kept as rejected on 422 with the fields to correct", () => {
    const fields = { "answers.A1": ["must be a boolean"] };
    const { item, outcome } = notAccepted(fresh(), apiError(422, { fields }));
    assert.equal(outcome, KEPT);
    assert.equal(item.state, REJECTED);
    assert.equal(item.status, 422);
    assert.deepEqual(item.fields, fields);
  });

  it("after a conflict goes again under a new id with the same answers and photos", () => {
    const conflict = notAccepted(fresh(), apiError(409)).item;
    const other = newId();
    const { body, photos } = asNew(conflict, other);
    assert.equal(body.id, other);
    assert.deepEqual({ ...body, id: ID }, BODY);
    assert.deepEqual(photos, [PHOTO_A, PHOTO_B]);
    const again = queuedItem(body, photos, META);
    assert.equal(again.state, QUEUED);
    assert.deepEqual(again.photos.map((p) => p.state), [WAITING, WAITING]);
  });
});

describe("sending the photos", () => {
  const sending = () => accepted(fresh(), RESULT);

  it("drops a photo's blob once the API has it (201, or 200 when it had it already)", () => {
    const item = photoUploaded(sending(), "p-a");
    assert.deepEqual(item.photos.map((p) => [p.id, p.state, p.blob]), [["p-a", UPLOADED, null], ["p-b", WAITING, "blob-b"]]);
    assert.deepEqual(waitingPhotos(item).map((p) => p.id), ["p-b"]);
    assert.equal(sending().photos[0].blob, "blob-a", "the item handed in is not changed");
  });

  it("keeps a photo waiting when the network or the server fails", () => {
    for (const error of [new NetworkError("offline"), apiError(502), apiError(429, { retryAfter: 12 })]) {
      const { item, outcome } = photoFailed(sending(), "p-a", error);
      assert.equal(outcome, error.retryAfter || 0);
      assert.deepEqual(waitingPhotos(item).map((p) => p.id), ["p-a", "p-b"]);
      assert.equal(item.state, PHOTOS);
    }
  });

  it("waits for a new login on 401", () => {
    const { item, outcome } = photoFailed(sending(), "p-a", apiError(401));
    assert.equal(outcome, LOGIN);
    assert.deepEqual(waitingPhotos(item).map((p) => p.id), ["p-a", "p-b"]);
  });

  it("gives up on a photo the API will not take and goes on with the others", () => {
    for (const status of [409, 413, 415, 422]) {
      const { item, outcome } = photoFailed(sending(), "p-a", apiError(status, { message: "too large" }));
      assert.equal(outcome, REFUSED);
      assert.deepEqual(item.photos[0], { ...PHOTO_A, state: REFUSED, problem: "too large" });
      assert.deepEqual(waitingPhotos(item).map((p) => p.id), ["p-b"]);
    }
  });
});

describe("a sent submission", () => {
  it("keeps the API's result and says which photos arrived and which were refused", () => {
    let item = accepted(fresh(), RESULT);
    item = photoUploaded(item, "p-a");
    item = photoFailed(item, "p-b", apiError(413, { message: "Photo too large" })).item;
    const done = sentRecord(item, new Date("2026-11-20T09:20:00Z"));
    assert.deepEqual(done, {
      id: ID,
      meta: META,
      result: RESULT,
      photos: 1,
      refusedPhotos: [{ name: "b.jpg", problem: "Photo too large" }],
      sentAt: "2026-11-20T09:20:00.000Z",
    });
  });

  it(`is kept among the last ${KEEP_SENT} only`, () => {
    const sent = Array.from({ length: KEEP_SENT + 3 }, (_, n) => ({ id: `s${n}`, sentAt: new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString() }));
    assert.deepEqual(overflow(sent).map((s) => s.id), ["s2", "s1", "s0"]);
    assert.deepEqual(overflow(sent.slice(0, KEEP_SENT)), []);
  });
});

describe("a whole round trip", () => {
  it("survives a lost answer: the resend under the same id is accepted once (200) and its photos follow", () => {
    // First attempt: the server stored it but the answer was lost on the way back.
    let item = attempted(fresh());
    let step = notAccepted(item, new NetworkError("connection reset"));
    assert.equal(step.outcome, 0);
    item = step.item;
    // Second attempt: the same id; the server answers 200 with what it had.
    item = attempted(item);
    assert.equal(item.body.id, ID);
    item = accepted(item, RESULT);
    // The first photo goes, the second meets a 503 and waits for the next round.
    item = photoUploaded(item, "p-a");
    step = photoFailed(item, "p-b", apiError(503, { retryAfter: 5 }));
    assert.equal(step.outcome, 5);
    item = step.item;
    assert.deepEqual(pending([item]).map((i) => [i.id, i.state]), [[ID, PHOTOS]]);
    // Next round: only the waiting photo is sent, and the item is done.
    item = attempted(item);
    assert.deepEqual(waitingPhotos(item).map((p) => p.id), ["p-b"]);
    item = photoUploaded(item, "p-b");
    assert.deepEqual(waitingPhotos(item), []);
    const done = sentRecord(item);
    assert.equal(done.photos, 2);
    assert.deepEqual(done.refusedPhotos, []);
    assert.equal(item.attempts, 3);
    assert.equal(DONE, "done");
  });
});

describe("retrying", () => {
  it("doubles the wait from two seconds up to five minutes", () => {
    const middle = 0.5; // no spread
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelay(n, 0, middle)), [2000, 4000, 8000, 16000]);
    assert.equal(retryDelay(30, 0, middle), MAX_DELAY_MS);
  });

  it("waits at least what the server asked", () => {
    assert.equal(retryDelay(1, 60, 0.5), 60000);
    assert.equal(retryDelay(6, 1, 0.5), 2000 * 2 ** 5, "a shorter Retry-After does not shorten the backoff");
    assert.equal(retryDelay(30, 600, 0.5), 600000, "nor does the cap shorten a longer one");
  });

  it("spreads the wait by a fifth either way so that phones do not retry together", () => {
    assert.equal(retryDelay(1, 0, 0), 1600);
    assert.ok(retryDelay(1, 0, 0.999999) < 2400);
  });
});

describe("ids and times", () => {
  it("makes version 4 UUIDs, also where randomUUID is missing", (t) => {
    const pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(newId(), pattern);
    const real = globalThis.crypto;
    t.after(() => Object.defineProperty(globalThis, "crypto", { value: real, configurable: true }));
    Object.defineProperty(globalThis, "crypto", {
      value: { getRandomValues: (bytes) => bytes.fill(0xff) },
      configurable: true,
    });
    assert.equal(newId(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  });

  it("writes the phone's time with its own UTC offset", () => {
    const at = (offsetMinutes) => ({
      getFullYear: () => 2026, getMonth: () => 10, getDate: () => 20,
      getHours: () => 10, getMinutes: () => 5, getSeconds: () => 9,
      getTimezoneOffset: () => offsetMinutes,
    });
    assert.equal(localTimestamp(at(-60)), "2026-11-20T10:05:09+01:00");
    assert.equal(localTimestamp(at(0)), "2026-11-20T10:05:09+00:00");
    assert.equal(localTimestamp(at(210)), "2026-11-20T10:05:09-03:30");
  });
});
