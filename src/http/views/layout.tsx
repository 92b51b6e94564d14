// The page shell: head, top bar, optional sidebar, flash message. JSX escapes every value.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Translator } from '../../i18n/i18n.ts';
import type { User } from '../../storage/schema.ts';

export interface LayoutProps {
  tr: Translator;
  title: string;
  csrfToken: string;
  user: User | null;
  sidebar?: Child;
  flash?: string | null;
  children?: Child;
  unreadTotal?: number;
  /** Extra classes of <body> (the stream's view, content width and theme). */
  bodyClass?: string;
}

export function Layout(props: LayoutProps) {
  const { tr, user } = props;
  const title = props.unreadTotal
    ? `(${props.unreadTotal}) ${props.title} · Veille`
    : `${props.title} · Veille`;
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={tr.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="csrf-token" content={props.csrfToken} />
          <meta name="referrer" content="same-origin" />
          <title>{title}</title>
          <link rel="icon" href="/static/icon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/style.css" />
          <link rel="manifest" href="/manifest.webmanifest" />
          <script src="/static/app.js" defer></script>
        </head>
        <body class={[props.sidebar ? 'with-sidebar' : '', props.bodyClass ?? ''].join(' ').trim()}>
          <header class="topbar">
            <a class="brand" href="/">
              Veille
            </a>
            {user && (
              <nav class="topnav">
                <a href="/subscriptions">{tr.t('nav.subscriptions')}</a>
                <a href="/settings">{tr.t('nav.settings')}</a>
                <a href="/account">{tr.t('nav.account')}</a>
                {user.is_admin === 1 && <a href="/admin">{tr.t('nav.admin')}</a>}
                <form method="post" action="/logout" class="inline">
                  <input type="hidden" name="_csrf" value={props.csrfToken} />
                  <button type="submit" class="link">
                    {tr.t('nav.logout')}
                  </button>
                </form>
              </nav>
            )}
          </header>
          <div class="page">
            {props.sidebar}
            <main id="main">
              {props.flash && (
                <p class="flash" role="status">
                  {props.flash}
                </p>
              )}
              {props.children}
            </main>
          </div>
        </body>
      </html>
    </>
  );
}

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}
