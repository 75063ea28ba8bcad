// The photo limit as the phone form names it: as the service does (inspection/sizes.py).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { readableSize } from "../../inspection/web/static/js/sizes.js";

describe("readableSize", () => {
  it("names whole megabytes without a decimal", () => {
    assert.equal(readableSize(8 * 1024 * 1024), "8 MB");
  });
  it("rounds down to one decimal, with a decimal comma in Dutch", () => {
    assert.equal(readableSize(8 * 1024 * 1024 + 1024 * 1024 * 0.99, "nl"), "8,9 MB");
    assert.equal(readableSize(50_000, "en"), "48.8 kB");
  });
  it("counts bytes below a kilobyte", () => {
    assert.equal(readableSize(1), "1 byte");
    assert.equal(readableSize(400), "400 bytes");
  });
});
