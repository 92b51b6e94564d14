/** A document that cannot be read as an OPML subscription list. Messages start with "opml: ". */
export class OpmlError extends Error {
  constructor(detail: string) {
    super(`opml: ${detail}`);
    this.name = 'OpmlError';
  }
}
