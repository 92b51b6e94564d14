// Dates as feeds write them → milliseconds since the epoch (UTC), or null.
// ISO 8601 / W3C-DTF first (strict shape, lenient details), then a token-based reader for RFC 822
// and its many variants: named zones, military letters, missing seconds or day name, two-digit
// years, asctime order, and month/day names in English, French, German, Spanish, Italian,
// Dutch and Portuguese.

const ISO_DATE =
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?(?:(?:T|\s+)(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{1,2})?)?$/i;

export function parseDate(value: string): number | null {
  const text = value.trim();
  if (text.length === 0 || text.length > 200) return null;
  const rfc822 = RFC_822.exec(text);
  if (rfc822) {
    const ms = rfc822ToMs(rfc822);
    if (ms !== undefined) return ms;
  }
  const iso = ISO_DATE.exec(text);
  if (iso) return isoToMs(iso);
  return looseDateToMs(text);
}

// The common shape, "Tue, 18 Nov 2025 15:02:00 GMT": read directly, as looseDateToMs would.
const RFC_822 =
  /^(?:([A-Za-z]{3}),? +)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))? *([A-Za-z]{1,4}|[+-]\d{4})?$/;

const ENGLISH_DAYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

/** undefined when the date is better left to looseDateToMs. */
function rfc822ToMs(m: RegExpExecArray): number | null | undefined {
  if (m[1] !== undefined && !ENGLISH_DAYS.has(m[1].toLowerCase())) return undefined;
  const month = ENGLISH_MONTHS.indexOf((m[3] ?? '').toLowerCase()) + 1;
  if (month === 0) return undefined;
  const zone = m[8];
  let offset = 0;
  if (zone !== undefined) {
    const first = zone.charCodeAt(0);
    if (first === 43 || first === 45) {
      const parsed = offsetMinutesFromNumeric(zone);
      if (parsed === null) return undefined;
      offset = parsed;
    } else {
      const named = ZONES[zone.toLowerCase()];
      if (named === undefined) return undefined;
      offset = named;
    }
  }
  return utcMs(
    Number(m[4]),
    month,
    Number(m[2]),
    Number(m[5]),
    Number(m[6]),
    m[7] ? Number(m[7]) : 0,
    0,
    offset,
  );
}

const ENGLISH_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function isoToMs(m: RegExpExecArray): number | null {
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : 1;
  const day = m[3] ? Number(m[3]) : 1;
  const hour = m[4] ? Number(m[4]) : 0;
  const minute = m[5] ? Number(m[5]) : 0;
  const second = m[6] ? Number(m[6]) : 0;
  const millis = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  const offset = m[8] ? offsetMinutesFromNumeric(m[8]) : 0;
  return utcMs(year, month, day, hour, minute, second, millis, offset ?? 0);
}

/** '+01:00', '-0800', '+01', 'Z' → minutes east of UTC. */
function offsetMinutesFromNumeric(zone: string): number | null {
  const upper = zone.toUpperCase();
  if (upper === 'Z' || upper === 'UTC' || upper === 'GMT') return 0;
  const m = /^([+-])(\d{1,2}):?(\d{1,2})?$/.exec(zone);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + (m[3] ? Number(m[3]) : 0);
  if (minutes > 14 * 60) return null;
  return m[1] === '-' ? -minutes : minutes;
}

function utcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  offsetMinutes: number,
): number | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 24 || minute > 59 || second > 60) return null;
  if (hour === 24 && (minute > 0 || second > 0)) return null;
  const ms =
    Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis) - offsetMinutes * 60_000;
  return Number.isFinite(ms) ? ms : null;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  // Date.UTC reads years 0–99 as 1900–1999: so does this.
  const y = year >= 0 && year <= 99 ? 1900 + year : year;
  if (month === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 31;
}

// Zone names → minutes east of UTC. Military letters as RFC 822 defines them.
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  wet: 0,
  bst: 60,
  cet: 60,
  met: 60,
  mez: 60,
  wat: 60,
  west: 60,
  cest: 120,
  mesz: 120,
  eet: 120,
  sast: 120,
  eest: 180,
  msk: 180,
  ist: 330,
  ict: 420,
  hkt: 480,
  sgt: 480,
  awst: 480,
  jst: 540,
  kst: 540,
  acst: 570,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
  ast: -240,
  adt: -180,
  at: -240,
  est: -300,
  edt: -240,
  et: -300,
  cst: -360,
  cdt: -300,
  ct: -360,
  mst: -420,
  mdt: -360,
  mt: -420,
  pst: -480,
  pdt: -420,
  pt: -480,
  akst: -540,
  akdt: -480,
  hst: -600,
  a: -60,
  b: -120,
  c: -180,
  d: -240,
  e: -300,
  f: -360,
  g: -420,
  h: -480,
  i: -540,
  k: -600,
  l: -660,
  m: -720,
  n: 60,
  o: 120,
  p: 180,
  q: 240,
  r: 300,
  s: 360,
  t: 420,
  u: 480,
  v: 540,
  w: 600,
  x: 660,
  y: 720,
};

// English, French, German, Spanish, Italian, Dutch, Portuguese: full names and abbreviations.
const MONTH_TABLE: string[] = [
  'january jan janv janvier januar jänner jaenner jän enero ene gennaio gen januari janeiro',
  'february feb febr fév févr fev fevr février fevrier februar febrero febbraio februari fevereiro',
  'march mar mars märz maerz mär mrz marzo maart mrt março marco',
  'april apr avr avril abril abr aprile',
  'may mai mayo maggio mag mei maio',
  'june jun juin juni junio giugno giu junho',
  'july jul juil juillet juli julio luglio lug julho',
  'august aug août aout agosto ago augustus',
  'september sep sept septembre septiembre setiembre settembre set setembro',
  'october oct octobre oktober okt octubre ottobre ott oktober outubro out',
  'november nov novembre noviembre novembre novembro',
  'december dec déc dec décembre decembre dezember dez diciembre dic dicembre dezembro',
];

const DAY_NAMES = new Set(
  (
    'mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday sun sunday ' +
    'lun lundi mar mardi mer mercredi jeu jeudi ven vendredi sam samedi dim dimanche ' +
    'mo montag di dienstag mi mittwoch do donnerstag fr freitag sa samstag sonnabend so sonntag ' +
    'lunes martes miércoles miercoles jueves viernes sábado sabado domingo mié mie jue vie sáb sab dom ' +
    'lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica gio ' +
    'maandag dinsdag woensdag donderdag vrijdag zaterdag zondag ma wo vr za zo ' +
    'segunda terça terca quarta quinta sexta seg ter qua qui sex'
  ).split(' '),
);

const MONTHS: ReadonlyMap<string, number> = new Map(
  MONTH_TABLE.flatMap((names, index) => names.split(' ').map((name) => [name, index + 1] as const)),
);

const TOKEN = /(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?|[+-]\d{1,2}:?\d{2}\b|\d+|[\p{L}]+/gu;

function looseDateToMs(text: string): number | null {
  const lower = text.toLowerCase();
  // 2025/11/18 [15:02[:00]]
  const slashed =
    /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(z|[+-]\d{2}:?\d{2})?$/.exec(
      lower,
    );
  if (slashed) {
    const offset = slashed[7] ? offsetMinutesFromNumeric(slashed[7]) : 0;
    return utcMs(
      Number(slashed[1]),
      Number(slashed[2]),
      Number(slashed[3]),
      Number(slashed[4] ?? 0),
      Number(slashed[5] ?? 0),
      Number(slashed[6] ?? 0),
      0,
      offset ?? 0,
    );
  }

  let year: number | null = null;
  let month: number | null = null;
  let day: number | null = null;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let sawTime = false;
  let offset: number | null = null;
  let pm: boolean | null = null;
  let afterZoneName = false;
  let monthIsAmbiguous = false;
  const numbers: string[] = [];

  for (const match of lower.matchAll(TOKEN)) {
    const token = match[0];
    if (match[1] !== undefined) {
      if (sawTime) continue;
      sawTime = true;
      hour = Number(match[1]);
      minute = Number(match[2]);
      second = match[3] ? Number(match[3]) : 0;
      afterZoneName = false;
      continue;
    }
    const first = token.charCodeAt(0);
    if (first === 43 || first === 45) {
      // +0100 / -08:00, possibly after GMT ("GMT+0100")
      if (sawTime || afterZoneName) {
        const parsed = offsetMinutesFromNumeric(token);
        if (parsed !== null) offset = (afterZoneName && offset !== null ? offset : 0) + parsed;
      }
      afterZoneName = false;
      continue;
    }
    if (first >= 48 && first <= 57) {
      numbers.push(token);
      afterZoneName = false;
      continue;
    }
    afterZoneName = false;
    const word = token;
    const monthFound = MONTHS.get(word.endsWith('.') ? word.slice(0, -1) : word);
    const isDayName = DAY_NAMES.has(word);
    if (monthFound !== undefined && (month === null || monthIsAmbiguous)) {
      // "mar" is March and French Tuesday: a later month name wins.
      month = monthFound;
      monthIsAmbiguous = isDayName;
      continue;
    }
    if (isDayName) continue;
    if (word === 'am' || word === 'pm') {
      pm = word === 'pm';
      continue;
    }
    const zone = ZONES[word];
    if (zone !== undefined && (sawTime || word.length > 1)) {
      offset = zone;
      afterZoneName = true;
      continue;
    }
    // "de", "le", "à", "at", "um", "of": ignored.
  }

  if (month === null) return null;
  for (const n of numbers) {
    const value = Number(n);
    if (n.length >= 3 || value > 31) {
      if (year === null) year = n.length === 2 ? twoDigitYear(value) : value;
      else return null;
    } else if (day === null) {
      day = value;
    } else if (year === null) {
      year = n.length <= 2 ? twoDigitYear(value) : value;
    }
  }
  if (year === null || day === null) return null;
  if (pm !== null && hour <= 12) {
    if (pm && hour < 12) hour += 12;
    if (!pm && hour === 12) hour = 0;
  }
  return utcMs(year, month, day, hour, minute, second, 0, offset ?? 0);
}

function twoDigitYear(value: number): number {
  return value < 50 ? 2000 + value : 1900 + value;
}
