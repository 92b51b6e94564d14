import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTranslator, languageFromAcceptLanguage, receivedDayLabel } from './i18n.ts';
import { en } from './en.ts';
import { fr } from './fr.ts';

test('dates read as in FreshRSS in French and naturally in English', () => {
  const at = Date.UTC(2025, 10, 18, 14, 2); // 15:02 in Paris
  assert.equal(createTranslator('fr', 'Europe/Paris').dateTime(at), '18 novembre 2025 à 15:02');
  assert.equal(createTranslator('en', 'Europe/Paris').dateTime(at), 'November 18, 2025 at 15:02');
  assert.equal(createTranslator('en', 'America/New_York').dateTime(at), 'November 18, 2025 at 09:02');
  assert.equal(createTranslator('fr', 'Not/AZone').timeZone, 'UTC');
});

test('day headers say today, yesterday, or the date', () => {
  const now = Date.UTC(2026, 10, 21, 10, 0);
  const fr = createTranslator('fr', 'Europe/Paris');
  assert.equal(receivedDayLabel(fr, now - 3600_000, now), 'Reçu aujourd’hui — 21 novembre 2026');
  assert.equal(receivedDayLabel(fr, now - 86_400_000, now), 'Reçu hier — 20 novembre 2026');
  assert.equal(receivedDayLabel(fr, Date.UTC(2025, 10, 18, 12), now), 'Reçu — 18 novembre 2025');
  const en = createTranslator('en', 'UTC');
  assert.equal(receivedDayLabel(en, now, now), 'Received today — November 21, 2026');
});

test('Accept-Language picks French or English', () => {
  assert.equal(languageFromAcceptLanguage('fr-FR,fr;q=0.9,en;q=0.8'), 'fr');
  assert.equal(languageFromAcceptLanguage('de-DE, en;q=0.5, fr;q=0.4'), 'en');
  assert.equal(languageFromAcceptLanguage('de, fr;q=0.3'), 'fr');
  assert.equal(languageFromAcceptLanguage(undefined), 'en');
});

test('every English string has a French translation that differs where words are involved', () => {
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
  assert.equal(fr['stream.markAllRead'], 'Tout marquer comme lu');
  assert.equal(fr['view.normal'], 'Vue normale');
});
