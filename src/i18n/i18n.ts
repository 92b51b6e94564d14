// Language choice, translation and date formatting for the user's language and time zone.
import { en, type MessageKey, type Messages } from './en.ts';
import { fr } from './fr.ts';

export type Language = 'en' | 'fr';
export const LANGUAGES: Record<Language, { name: string; messages: Messages; locale: string }> = {
  en: { name: 'English', messages: en, locale: 'en-US' },
  fr: { name: 'Français', messages: fr, locale: 'fr-FR' },
};

export function isLanguage(x: unknown): x is Language {
  return x === 'en' || x === 'fr';
}

/** Picks the best supported language from an Accept-Language header (English by default). */
export function languageFromAcceptLanguage(header: string | undefined | null): Language {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag: (tag ?? '').toLowerCase(), q: q ? Number(q) : 1, i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

export interface Translator {
  lang: Language;
  timeZone: string;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** "18 novembre 2025 à 15:02" / "November 18, 2025 at 15:02". */
  dateTime(ms: number): string;
  /** "18 novembre 2025" / "November 18, 2025". */
  day(ms: number): string;
  /** "2025-11-18" in the user's time zone: the key that groups entries by day. */
  dayKey(ms: number): string;
  number(n: number): string;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// Translators hold nothing but formatters, and building those costs more than a page's use of
// them: one per language and time zone spelling, kept while there are fewer than MAX_TRANSLATORS.
const translators = new Map<string, Translator>();
const MAX_TRANSLATORS = 512;

export function createTranslator(lang: Language, timeZone: string): Translator {
  const key = `${lang} ${timeZone}`;
  let tr = translators.get(key);
  if (!tr) {
    tr = buildTranslator(lang, timeZone);
    if (translators.size >= MAX_TRANSLATORS) translators.clear();
    translators.set(key, tr);
  }
  return tr;
}

function buildTranslator(lang: Language, timeZone: string): Translator {
  const { messages, locale } = LANGUAGES[lang];
  const tz = isTimeZone(timeZone) ? timeZone : 'UTC';
  const dayFormat = new Intl.DateTimeFormat(locale, {
    timeZone: tz,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const timeFormat = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const keyFormat = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const numberFormat = new Intl.NumberFormat(locale);
  return {
    lang,
    timeZone: tz,
    t(key, params) {
      let s: string = messages[key];
      if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
      return s;
    },
    dateTime(ms) {
      return `${dayFormat.format(ms)} ${messages['date.at']} ${timeFormat.format(ms)}`;
    },
    day(ms) {
      return dayFormat.format(ms);
    },
    dayKey(ms) {
      return keyFormat.format(ms);
    },
    number(n) {
      return numberFormat.format(n);
    },
  };
}

/** The day header of the reception sort: "Reçu aujourd’hui — 21 novembre 2026". */
export function receivedDayLabel(tr: Translator, receivedAt: number, now: number): string {
  const key = tr.dayKey(receivedAt);
  const label =
    key === tr.dayKey(now)
      ? tr.t('day.receivedToday')
      : key === tr.dayKey(now - 86_400_000)
        ? tr.t('day.receivedYesterday')
        : tr.t('day.received');
  return `${label} — ${tr.day(receivedAt)}`;
}
