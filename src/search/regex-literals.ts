// The literal text every match of a search regex must contain, so that SQL can pre-select rows
// with LIKE before the regex runs in process (query-to-sql.ts): `/version \d+\.1\d/i` can only
// match a text containing "version ". Conservative: a pattern with a top-level alternative gives
// nothing, groups and classes end a literal, a character made optional by a quantifier is
// dropped. Only printable ASCII is kept (SQLite's LIKE folds ASCII case only, which keeps the
// pre-selection a superset of what `i` accepts), without `"` and `\` (JSON-stored fields).

const SAFE = /^[\x20-\x7e]$/;
const UNSAFE = new Set(['"', '\\']);
const ESCAPE_CLASSES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B']);

/** Literals of at least `minLength` characters that any match contains. */
export function requiredLiterals(pattern: string, minLength = 3): string[] {
  const out: string[] = [];
  let run = '';
  const end = () => {
    if (run.length >= minLength) out.push(run);
    run = '';
  };
  let i = 0;
  /** Skips a quantifier at i; returns its minimum count, or null when there is none. */
  const quantifier = (): number | null => {
    const c = pattern[i];
    let min: number | null = null;
    if (c === '*' || c === '?') min = 0;
    else if (c === '+') min = 1;
    else if (c === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(pattern.slice(i));
      if (!m) return null;
      i += m[0].length - 1;
      min = Number(m[1]);
    }
    if (min === null) return null;
    i++;
    if (pattern[i] === '?') i++;
    return min;
  };
  // A top-level "|" means no literal is required.
  let depth = 0;
  let inClass = false;
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k];
    if (c === '\\') k++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return [];
  }
  while (i < pattern.length) {
    const c = pattern[i]!;
    let literal: string;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      i += 2;
      if (ESCAPE_CLASSES.has(next) || /[0-9a-zA-Z]/.test(next)) {
        // \d, \b, \n, \1, \u…: not a literal character.
        end();
        quantifier();
        continue;
      }
      literal = next;
    } else if (c === '[') {
      end();
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
      quantifier();
      continue;
    } else if (c === '(') {
      end();
      let level = 0;
      let cls = false;
      for (; i < pattern.length; i++) {
        const d = pattern[i];
        if (d === '\\') i++;
        else if (cls) cls = d !== ']';
        else if (d === '[') cls = true;
        else if (d === '(') level++;
        else if (d === ')' && --level === 0) break;
      }
      i++;
      quantifier();
      continue;
    } else if (c === '.' || c === '^' || c === '$') {
      end();
      i++;
      quantifier();
      continue;
    } else {
      literal = c;
      i++;
    }
    const min = quantifier();
    if (!SAFE.test(literal) || UNSAFE.has(literal)) {
      end();
      continue;
    }
    if (min === null) run += literal;
    else if (min === 0) end();
    else {
      run += literal;
      end();
    }
  }
  end();
  return out;
}
