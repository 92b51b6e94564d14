// The one error a parser throws: an expected failure, stored on the feed by the refresh.

export type ParseErrorCode = 'parse.not_a_feed' | 'parse.empty' | 'parse.invalid' | 'parse.too_deep';

export class ParseError extends Error {
  readonly code: ParseErrorCode;

  constructor(code: ParseErrorCode, message: string) {
    super(message.startsWith('parse: ') ? message : `parse: ${message}`);
    this.name = 'ParseError';
    this.code = code;
  }
}
