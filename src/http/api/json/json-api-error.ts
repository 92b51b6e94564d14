// The one error a JSON API handler throws for an expected failure (bad input, unknown id, conflict):
// the API's error handler turns it into `{ "error": message }` with its status, plus `position`
// for a search syntax error.
export class JsonApiError extends Error {
  readonly status: 400 | 401 | 404 | 405 | 409 | 413 | 422 | 429;
  /** 0-based offset of a search syntax error. */
  readonly position: number | undefined;
  constructor(status: JsonApiError['status'], message: string, position?: number) {
    super(message);
    this.name = 'JsonApiError';
    this.status = status;
    this.position = position;
  }
}

export function notFound(what: string, id: number): JsonApiError {
  return new JsonApiError(404, `${what} ${id} not found`);
}
