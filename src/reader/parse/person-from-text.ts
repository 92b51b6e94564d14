// "mail@example.com (Jane Doe)", "Jane Doe <mail@example.com>", "mail@example.com" or "Jane Doe"
// → a person, as RSS author and dc:creator write them.

import type { ParsedPerson } from '../../model/parsed-feed.ts';

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;

export function personFromText(text: string): ParsedPerson | null {
  const value = text.replace(/\s+/g, ' ').trim();
  if (value === '') return null;
  const emailMatch = EMAIL.exec(value);
  if (!emailMatch) return { name: value, email: null, uri: null };
  const email = emailMatch[0];
  const name = (value.slice(0, emailMatch.index) + value.slice(emailMatch.index + email.length))
    .replace(/mailto:/gi, '')
    .replace(/[()<>[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (name === '') return { name: null, email, uri: null };
  return { name, email, uri: null };
}
