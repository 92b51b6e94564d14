// "Fetch full article" (src/http/ui/entry-full-content.tsx) without leaving the page: the form
// is posted with fetch and the article's text is replaced by the answer's HTML, which the server
// sanitized like every entry content. Without this script the form posts and the server answers
// with a page.
//
// DOM contract: .entry[data-id] holding .text (the article body) and
//   form.full-content-form[action="/entries/{id}/full-content"] > button.fetch-full
// Server answer: { id, html, stored } or { id, error }.
import type { ClientContext } from './client-context.ts';
import { formFields, postForm } from './post-form.ts';

export function installFullContent(ctx: ClientContext, doc: Document): void {
  doc.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('full-content-form')) return;
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button');
    if (button?.disabled) return;
    if (button) button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    void postForm(form.action, formFields(form), ctx.csrfToken).then((result) => {
      if (button) button.disabled = false;
      form.removeAttribute('aria-busy');
      if (result.kind !== 'ok') {
        form.submit();
        return;
      }
      const body = result.body as { html?: unknown; error?: unknown };
      if (typeof body.error === 'string') {
        ctx.notify(body.error);
        return;
      }
      const text = form.closest('.entry')?.querySelector<HTMLElement>('.text');
      if (typeof body.html !== 'string' || !text) return;
      const template = doc.createElement('template');
      template.innerHTML = body.html;
      text.replaceChildren(template.content);
      text.classList.add('full-content');
    });
  });
}
