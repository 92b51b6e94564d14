// Read and favourite toggles of a row, done in place with fetch instead of a page reload.
//
// DOM contract (src/http/views/entry-row.tsx):
//   .entry[data-id][data-feed][data-read="0|1"] (div.flux in the normal view, article in the
//   reading view) with classes not_read / favorite, holding (in .row-toggles beside the row's
//   <summary>, never inside it) button.toggle-read[form="read-{id}"], button.toggle-star[form="star-{id}"]
//     (text ●/○ and ★/☆, aria-pressed; optional data-label-pressed / data-label-unpressed
//     give the aria-label of each state, else the generic title is used once it flips)
//   form#read-{id}.hidden-form[action="/entries/{id}/read"] > input[name=read] (value to send next)
//   form#star-{id}.hidden-form[action="/entries/{id}/star"] > input[name=starred]
// Server answer: { id, read, unread } or { id, starred, unread }.
import type { ClientContext } from './client-context.ts';
import { formFields, postForm } from './post-form.ts';
import { adjustStarredCount, applyUnreadCounts } from './unread-counts.ts';

export type ToggleKind = 'read' | 'star';

const TOGGLE_FORM_ID = /^(read|star)-([0-9]+)$/;

/** `read-12` → { kind: 'read', id: '12' }; anything else → null. */
export function toggleFromFormId(formId: string): { kind: ToggleKind; id: string } | null {
  const match = TOGGLE_FORM_ID.exec(formId);
  if (!match) return null;
  return { kind: match[1] === 'read' ? 'read' : 'star', id: match[2] ?? '' };
}

export function entryIsRead(entry: HTMLElement): boolean {
  return (
    entry.dataset.read === '1' || (entry.dataset.read === undefined && !entry.classList.contains('not_read'))
  );
}

export function entryIsStarred(entry: HTMLElement): boolean {
  return entry.classList.contains('favorite');
}

function setButtonState(button: HTMLButtonElement | null, pressed: boolean, text: string): void {
  if (!button) return;
  const wasPressed = button.getAttribute('aria-pressed') === 'true';
  if (wasPressed !== pressed) {
    // Remember the label of the state we leave, so flipping back restores it.
    const current = button.getAttribute('aria-label');
    const slot = wasPressed ? 'data-label-pressed' : 'data-label-unpressed';
    if (current && current !== button.title && !button.hasAttribute(slot)) button.setAttribute(slot, current);
  }
  const label = button.getAttribute(pressed ? 'data-label-pressed' : 'data-label-unpressed') ?? button.title;
  if (label) button.setAttribute('aria-label', label);
  button.setAttribute('aria-pressed', pressed ? 'true' : 'false');
  button.textContent = text;
}

function setNextValue(doc: Document, formId: string, name: string, value: string): void {
  const input = doc.getElementById(formId)?.querySelector<HTMLInputElement>(`input[name="${name}"]`);
  if (input) input.value = value;
}

/** Shows a row as read or unread: class, data-read, button and the value the next toggle sends. */
export function showEntryRead(entry: HTMLElement, read: boolean): void {
  const doc = entry.ownerDocument;
  entry.classList.toggle('not_read', !read);
  entry.dataset.read = read ? '1' : '0';
  setButtonState(entry.querySelector<HTMLButtonElement>('button.toggle-read'), read, read ? '○' : '●');
  setNextValue(doc, `read-${entry.dataset.id ?? ''}`, 'read', read ? '0' : '1');
}

/** Shows a row as starred or not. */
export function showEntryStarred(entry: HTMLElement, starred: boolean): void {
  const doc = entry.ownerDocument;
  entry.classList.toggle('favorite', starred);
  setButtonState(entry.querySelector<HTMLButtonElement>('button.toggle-star'), starred, starred ? '★' : '☆');
  setNextValue(doc, `star-${entry.dataset.id ?? ''}`, 'starred', starred ? '0' : '1');
}

function entryById(doc: Document, id: string): HTMLElement | null {
  return doc.querySelector<HTMLElement>(`.entry[data-id="${CSS.escape(id)}"]`);
}

/**
 * Sends a toggle form with fetch and updates the row and the counts from the answer. Resolves to
 * true when the server saved it; on failure the row is left as it was and the user is told.
 * `wanted` forces the value (true = read / starred) instead of the form's next value.
 */
export async function submitEntryToggle(
  ctx: ClientContext,
  form: HTMLFormElement,
  wanted?: boolean,
): Promise<boolean> {
  const toggle = toggleFromFormId(form.id);
  if (!toggle) return false;
  const doc = form.ownerDocument;
  const entry = entryById(doc, toggle.id);
  const field = toggle.kind === 'read' ? 'read' : 'starred';
  if (entry?.hasAttribute(`data-pending-${toggle.kind}`)) return false;
  const fields = formFields(form);
  if (wanted !== undefined) fields.set(field, wanted ? '1' : '0');
  if (!fields.has('_csrf')) fields.set('_csrf', ctx.csrfToken);
  entry?.setAttribute(`data-pending-${toggle.kind}`, '');
  entry?.setAttribute('aria-busy', 'true');
  try {
    const result = await postForm(form.action, fields, ctx.csrfToken);
    if (result.kind === 'error') {
      ctx.notify(ctx.messages[result.reason]);
      return false;
    }
    const body = (result.body ?? {}) as Record<string, unknown>;
    const value = typeof body[field] === 'boolean' ? (body[field] as boolean) : fields.get(field) !== '0';
    if (entry) {
      if (toggle.kind === 'read') showEntryRead(entry, value);
      else {
        const before = entryIsStarred(entry);
        showEntryStarred(entry, value);
        if (before !== value) adjustStarredCount(doc, value ? 1 : -1);
      }
    }
    applyUnreadCounts(doc, body.unread);
    return true;
  } finally {
    entry?.removeAttribute(`data-pending-${toggle.kind}`);
    entry?.removeAttribute('aria-busy');
  }
}

/** The hidden toggle form of a row ('read' → form#read-{id}). */
export function entryToggleForm(entry: HTMLElement, kind: ToggleKind): HTMLFormElement | null {
  const form = entry.ownerDocument.getElementById(`${kind}-${entry.dataset.id ?? ''}`);
  return form instanceof HTMLFormElement ? form : null;
}

/**
 * Intercepts the toggles: a click on a toggle button and, as a safety net, any submit of a
 * toggle form.
 */
export function installEntryToggles(ctx: ClientContext, doc: Document): void {
  doc.addEventListener('click', (event) => {
    if (event.button !== 0) return;
    const target = event.target instanceof Element ? event.target : null;
    const button = target?.closest<HTMLButtonElement>('button.toggle-read, button.toggle-star');
    const form = button?.form;
    if (!button || !form || !toggleFromFormId(form.id)) return;
    event.preventDefault();
    void submitEntryToggle(ctx, form);
  });
  doc.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !toggleFromFormId(form.id)) return;
    event.preventDefault();
    void submitEntryToggle(ctx, form);
  });
}
