// Labels ("Mes étiquettes"): GET /labels lists them with create / rename / delete forms;
// POST /labels, /labels/:id/rename, /labels/:id/delete; POST /entries/:id/labels/:labelId puts a
// label on an entry or takes it off (JSON for the client bundle, a redirect for plain forms).
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import {
  createLabel,
  deleteLabel,
  labelsForUser,
  renameLabel,
  setEntryLabel,
  type LabelResult,
} from '../../storage/labels.ts';
import { CsrfField, Layout } from '../views/layout.tsx';
import { backUrl } from './back-url.ts';

function idParam(raw: string | undefined): number | null {
  return raw && /^[0-9]{1,16}$/.test(raw) ? Number(raw) : null;
}

export async function labelsPage(
  c: Context<AppEnv>,
  message: { text: string; error: boolean } | null = null,
) {
  const tr = c.get('tr');
  const user = c.get('user')!;
  const csrf = c.get('csrfToken');
  const labels = await labelsForUser(c.get('deps').database.db, user.id);
  return c.html(
    <Layout
      tr={tr}
      title={tr.t('labels.title')}
      csrfToken={csrf}
      user={user}
      flash={message && !message.error ? message.text : null}
    >
      <h1>{tr.t('labels.title')}</h1>
      {message?.error && (
        <p class="error" role="alert">
          {message.text}
        </p>
      )}
      <form method="post" action="/labels" class="inline-form">
        <CsrfField token={csrf} />
        <label>
          {tr.t('labels.new')} <input type="text" name="name" required maxlength={128} />
        </label>
        <button type="submit">{tr.t('labels.create')}</button>
      </form>
      <ul class="label-list">
        {labels.map((l) => (
          <li data-label={l.id}>
            <a href={`/?s=t${l.id}`}>{l.name}</a> <span class="count">{tr.number(l.unreadCount)}</span>
            <form method="post" action={`/labels/${l.id}/rename`} class="inline-form">
              <CsrfField token={csrf} />
              <label>
                <span class="visually-hidden">{tr.t('labels.newName', { name: l.name })}</span>
                <input
                  type="text"
                  name="name"
                  value={l.name}
                  required
                  maxlength={128}
                  aria-label={tr.t('labels.newName', { name: l.name })}
                />
              </label>
              <button type="submit">{tr.t('labels.rename')}</button>
            </form>
            <form method="post" action={`/labels/${l.id}/delete`} class="inline-form">
              <CsrfField token={csrf} />
              <button type="submit" aria-label={tr.t('labels.deleteNamed', { name: l.name })}>
                {tr.t('labels.delete')}
              </button>
            </form>
          </li>
        ))}
      </ul>
    </Layout>,
  );
}

async function afterChange(c: Context<AppEnv>, result: LabelResult, okText: string) {
  const tr = c.get('tr');
  if (result.kind === 'error') {
    c.status(400);
    return labelsPage(c, { text: tr.t(result.code), error: true });
  }
  return labelsPage(c, { text: okText, error: false });
}

export async function labelCreateAction(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const name = typeof form.name === 'string' ? form.name : '';
  const result = await createLabel(c.get('deps').database.db, c.get('user')!.id, name);
  return afterChange(c, result, c.get('tr').t('labels.created'));
}

export async function labelRenameAction(c: Context<AppEnv>) {
  const id = idParam(c.req.param('id'));
  if (id === null) return c.notFound();
  const form = await c.req.parseBody();
  const name = typeof form.name === 'string' ? form.name : '';
  const result = await renameLabel(c.get('deps').database.db, c.get('user')!.id, id, name);
  return afterChange(c, result, c.get('tr').t('labels.renamed'));
}

export async function labelDeleteAction(c: Context<AppEnv>) {
  const id = idParam(c.req.param('id'));
  if (id === null) return c.notFound();
  await deleteLabel(c.get('deps').database.db, c.get('user')!.id, id);
  return labelsPage(c, { text: c.get('tr').t('labels.deleted'), error: false });
}

export async function entryLabelToggle(c: Context<AppEnv>) {
  const entryId = idParam(c.req.param('id'));
  const labelId = idParam(c.req.param('labelId'));
  const form = await c.req.parseBody();
  const on = form.on !== '0';
  const db = c.get('deps').database.db;
  const userId = c.get('user')!.id;
  const ok =
    entryId !== null && labelId !== null && (await setEntryLabel(db, { userId, entryId, labelId, on }));
  const wantsJson = (c.req.header('accept') ?? '').includes('application/json');
  if (!ok) return wantsJson ? c.json({ error: 'not found' }, 404) : c.notFound();
  if (!wantsJson) return c.redirect(backUrl(form.back), 303);
  const labels = await labelsForUser(db, userId);
  return c.json({
    id: entryId,
    label: labelId,
    on,
    labels: Object.fromEntries(labels.map((l) => [l.id, l.unreadCount])),
  });
}
