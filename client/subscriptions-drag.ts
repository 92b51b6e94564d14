// Subscriptions page: drag a feed (by its handle) onto another category's group, or onto
// "Uncategorized", to move it. The move goes through the feed's own "Move" form (POST
// /feeds/:id/move with its CSRF token, answered in JSON), so the form keeps working without
// JavaScript and from the keyboard; the row then moves into its new group, sorted by title.
import type { ClientContext } from './client-context.ts';
import { formFields, postForm } from './post-form.ts';

const TITLE_ORDER = new Intl.Collator();

export function installSubscriptionsDrag(ctx: ClientContext, doc: Document): void {
  const table = doc.getElementById('subscription-table');
  if (!table) return;
  for (const el of doc.querySelectorAll<HTMLElement>('.drag-hint, #subscription-table .drag-handle'))
    el.hidden = false;
  const status = doc.querySelector<HTMLElement>('.drag-status');
  let dragged: HTMLTableRowElement | null = null;

  const groupOf = (target: EventTarget | null): HTMLTableSectionElement | null =>
    target instanceof Element ? target.closest<HTMLTableSectionElement>('tbody.feed-group') : null;
  const clearTargets = () => {
    for (const g of table.querySelectorAll('.drop-target')) g.classList.remove('drop-target');
  };

  table.addEventListener('dragstart', (event) => {
    const handle = event.target instanceof Element ? event.target.closest('.drag-handle') : null;
    const row = handle?.closest<HTMLTableRowElement>('tr[data-feed]') ?? null;
    if (!row || !event.dataTransfer) return;
    dragged = row;
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', row.getAttribute('data-title') ?? '');
    event.dataTransfer.setDragImage(row, 12, 12);
    row.classList.add('dragging');
  });

  table.addEventListener('dragover', (event) => {
    const group = groupOf(event.target);
    if (!dragged || !group || group.contains(dragged)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    if (!group.classList.contains('drop-target')) {
      clearTargets();
      group.classList.add('drop-target');
    }
  });

  table.addEventListener('dragleave', (event) => {
    const group = groupOf(event.target);
    if (group && !(event.relatedTarget instanceof Node && group.contains(event.relatedTarget)))
      group.classList.remove('drop-target');
  });

  table.addEventListener('drop', (event) => {
    const group = groupOf(event.target);
    const row = dragged;
    clearTargets();
    if (!row || !group || group.contains(row)) return;
    event.preventDefault();
    void moveRow(row, group);
  });

  table.addEventListener('dragend', () => {
    dragged?.classList.remove('dragging');
    dragged = null;
    clearTargets();
  });

  async function moveRow(row: HTMLTableRowElement, group: HTMLTableSectionElement): Promise<void> {
    const form = row.querySelector<HTMLFormElement>('form[action$="/move"]');
    const select = form?.querySelector<HTMLSelectElement>('select[name="category"]');
    if (!form || !select) return;
    const category = group.getAttribute('data-category') ?? '';
    const fields = formFields(form);
    fields.set('category', category);
    row.classList.add('moving');
    const result = await postForm(form.action, fields, ctx.csrfToken);
    row.classList.remove('moving');
    if (result.kind === 'error') {
      ctx.notify(ctx.messages[result.reason]);
      return;
    }
    select.value = category;
    const title = row.getAttribute('data-title') ?? '';
    const before = Array.from(group.querySelectorAll<HTMLTableRowElement>('tr[data-feed]')).find(
      (r) => TITLE_ORDER.compare(r.getAttribute('data-title') ?? '', title) > 0,
    );
    group.insertBefore(row, before ?? null);
    if (status) {
      status.textContent = (table!.getAttribute('data-moved') ?? '')
        .replace('{feed}', title)
        .replace('{category}', group.getAttribute('data-name') ?? '');
    }
  }
}
