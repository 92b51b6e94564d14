// Reads a JSON export and, when it is broken (truncated download, a stray character), keeps what
// came before the fault: every complete element of the arrays one level down (the `items` of a
// Google Reader file, the `entries` of a Miniflux one, or a top-level array), and says where the
// fault is (line, column, item number). Well-formed text goes through JSON.parse.
import { lineAndColumn } from '../opml/opml-warnings.ts';

export interface JsonFault {
  line: number;
  column: number;
  /** What was wrong, e.g. `expected "," or "}"`, `the text ends (truncated?)`. */
  message: string;
  /** The array being read when the fault came (its key; '' for a top-level array)… */
  inArray: string | null;
  /** …and how many of its elements were complete before it. */
  completeElements: number;
}

export interface LenientJson {
  /** The document, or what could be read of it (incomplete elements left out). */
  value: unknown;
  fault: JsonFault | null;
}

class Fault extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

export function readJsonLenient(text: string): LenientJson {
  const source = text.replace(/^\uFEFF/, '');
  try {
    return { value: JSON.parse(source) as unknown, fault: null };
  } catch {
    // Read it again, slowly, to keep what comes before the fault and to say where it is.
  }
  const reader = new Reader(source);
  let top: unknown = undefined;
  try {
    top = reader.document((value) => (top = value));
    return { value: top, fault: null };
  } catch (err) {
    if (!(err instanceof Fault)) throw err;
    const { line, column } = lineAndColumn(source, err.index);
    return {
      value: top,
      fault: {
        line,
        column,
        message: err.message,
        inArray: reader.arrayKey,
        completeElements: reader.arrayElements?.length ?? 0,
      },
    };
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Reader {
  private i = 0;
  /** The array one level down being read, exposed for the fault report. */
  arrayKey: string | null = null;
  arrayElements: unknown[] | null = null;

  constructor(private readonly text: string) {}

  /** The top-level value; `publish` receives the top object or array as soon as it exists. */
  document(publish: (value: unknown) => void): unknown {
    this.space();
    const c = this.text[this.i];
    let value: unknown;
    if (c === '{') {
      const object: Record<string, unknown> = {};
      publish(object);
      this.i++;
      this.members(object, true);
      value = object;
    } else if (c === '[') {
      const array: unknown[] = [];
      publish(array);
      this.i++;
      this.elementsInto(array, '');
      value = array;
    } else {
      value = this.value();
      publish(value);
    }
    this.space();
    if (this.i < this.text.length) throw new Fault(this.i, 'unexpected text after the end of the document');
    return value;
  }

  private fail(expected: string): never {
    if (this.i >= this.text.length)
      throw new Fault(this.i, `the text ends where ${expected} was expected (truncated?)`);
    const found = JSON.stringify(this.text.slice(this.i, this.i + 1));
    throw new Fault(this.i, `expected ${expected}, found ${found}`);
  }

  private space(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.i++;
    }
  }

  /** After '{'. At the top level, arrays are filled in place so that a fault keeps their elements. */
  private members(object: Record<string, unknown>, top: boolean): void {
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') this.fail('a quoted member name');
      const key = this.string();
      this.space();
      if (this.text[this.i] !== ':') this.fail('":"');
      this.i++;
      this.space();
      if (top && this.text[this.i] === '[') {
        const array: unknown[] = [];
        object[key] = array;
        this.i++;
        this.elementsInto(array, key);
      } else {
        object[key] = this.value();
      }
      this.space();
      const c = this.text[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return;
      }
      this.fail('"," or "}"');
    }
  }

  private elementsInto(array: unknown[], key: string): void {
    this.arrayKey = key;
    this.arrayElements = array;
    this.elements(array);
    this.arrayKey = null;
    this.arrayElements = null;
  }

  /** After '['. */
  private elements(array: unknown[]): void {
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      array.push(this.value());
      this.space();
      const c = this.text[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return;
      }
      this.fail('"," or "]"');
    }
  }

  private value(): unknown {
    this.space();
    const t = this.text;
    const c = t[this.i];
    switch (c) {
      case '{': {
        this.i++;
        const object: Record<string, unknown> = {};
        this.members(object, false);
        return object;
      }
      case '[': {
        this.i++;
        const array: unknown[] = [];
        this.elements(array);
        return array;
      }
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(t);
    if (m) {
      this.i += m[0].length;
      return Number(m[0]);
    }
    return this.fail('a value');
  }

  private literal<T>(word: string, value: T): T {
    if (this.text.startsWith(word, this.i)) {
      this.i += word.length;
      return value;
    }
    return this.fail('a value');
  }

  /** At '"'. */
  private string(): string {
    const t = this.text;
    const start = this.i;
    this.i++;
    let out = '';
    for (;;) {
      const quote = t.indexOf('"', this.i);
      const backslash = t.indexOf('\\', this.i);
      if (quote === -1) {
        this.i = t.length;
        throw new Fault(start, 'a string starts here and never ends (truncated?)');
      }
      if (backslash === -1 || quote < backslash) {
        out += t.slice(this.i, quote);
        this.i = quote + 1;
        return out;
      }
      out += t.slice(this.i, backslash);
      const e = t[backslash + 1];
      if (e === 'u') {
        const hex = t.slice(backslash + 2, backslash + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
          this.i = backslash;
          this.fail('four hexadecimal digits after "\\u"');
        }
        out += String.fromCharCode(parseInt(hex, 16));
        this.i = backslash + 6;
      } else if (e !== undefined && ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        this.i = backslash + 2;
      } else {
        this.i = backslash;
        this.fail('an escape such as \\" or \\n');
      }
    }
  }
}
