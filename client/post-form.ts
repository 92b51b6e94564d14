// POST a form to Veille with fetch: same origin, URL-encoded body, CSRF header, JSON answer.
// Failures are values so that callers leave the page as it was and tell the user.

export type PostResult =
  | { kind: 'ok'; body: unknown }
  | { kind: 'error'; reason: 'network' | 'expired' | 'server'; status?: number };

export async function postForm(url: string, fields: URLSearchParams, csrfToken: string): Promise<PostResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      // The page's policy is no-referrer, under which a POST carries `Origin: null`; the CSRF
      // check wants our real origin, which "same-origin" sends (and no referrer leaves the site).
      referrerPolicy: 'same-origin',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
        'X-CSRF-Token': csrfToken,
      },
      body: fields,
    });
  } catch {
    return { kind: 'error', reason: 'network' };
  }
  if (response.status === 401 || response.status === 403)
    return { kind: 'error', reason: 'expired', status: response.status };
  if (!response.ok) return { kind: 'error', reason: 'server', status: response.status };
  // A session that ended answers with a redirect to the login page, which fetch follows.
  if (!(response.headers.get('content-type') ?? '').includes('json')) {
    return { kind: 'error', reason: response.redirected ? 'expired' : 'server', status: response.status };
  }
  try {
    return { kind: 'ok', body: (await response.json()) as unknown };
  } catch {
    return { kind: 'error', reason: 'server', status: response.status };
  }
}

/** The fields of a form, as the browser would send them (the hidden `_csrf` included). */
export function formFields(form: HTMLFormElement): URLSearchParams {
  const fields = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') fields.append(name, value);
  return fields;
}
