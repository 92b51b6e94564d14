// What every client module needs from the page: the CSRF token, the page language and a way to
// tell the user that something failed. Built once per page by main.ts and passed down.
import { showToast } from './toast.ts';

export interface ClientContext {
  csrfToken: string;
  lang: 'en' | 'fr';
  /** A short, non-blocking message (role="alert"). */
  notify(message: string): void;
  messages: ClientMessages;
}

export interface ClientMessages {
  network: string;
  server: string;
  expired: string;
}

const MESSAGES: Record<ClientContext['lang'], ClientMessages> = {
  en: {
    network: 'Could not reach Veille: the change was not saved.',
    server: 'Veille could not save the change. Please try again.',
    expired: 'Your session or this page has expired. Reload the page and try again.',
  },
  fr: {
    network: 'Veille est injoignable : la modification n’a pas été enregistrée.',
    server: 'Veille n’a pas pu enregistrer la modification. Veuillez réessayer.',
    expired: 'Votre session ou cette page a expiré. Rechargez la page et réessayez.',
  },
};

export function clientContextFromPage(doc: Document): ClientContext {
  const csrfToken = doc.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
  const lang = (doc.documentElement.lang || 'en').toLowerCase().startsWith('fr') ? 'fr' : 'en';
  return { csrfToken, lang, messages: MESSAGES[lang], notify: (message) => showToast(doc, message) };
}
