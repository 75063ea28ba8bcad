// The two ways an API call fails, apart from the pages (common.js re-exports them) so that
// the outbox's state machine (outbox-state.js) can be tested in node without a browser.

export class ApiError extends Error {
  constructor(status, body, headers) {
    const detail = (body && body.error) || {};
    super(detail.message || `HTTP ${status}`);
    this.status = status;
    this.code = detail.code || null;
    this.fields = detail.fields || {};
    this.retryAfter = Number(headers && headers.get("Retry-After")) || 0;
  }
}

/** The network itself failed (offline, server unreachable): worth retrying later. */
export class NetworkError extends Error {}
