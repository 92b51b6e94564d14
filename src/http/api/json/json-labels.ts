// /api/v1/labels (list with unread counts, create, rename, delete) and putting a label on an
// entry or taking it off (/entries/{entry_id}/labels/{label_id}).
import type { Context } from 'hono';
import {
  createLabel,
  deleteLabel,
  labelsForUser,
  renameLabel,
  setEntryLabel,
  type LabelResult,
  type LabelView,
} from '../../../storage/labels.ts';
import { JsonApiError, notFound } from './json-api-error.ts';
import type { JsonEnv } from './json-auth.ts';
import { jsonBody, onlyKeys, pathId, titleField } from './json-input.ts';
import { labelJson } from './json-views.ts';

type C = Context<JsonEnv>;

const MAX_TITLE = 128;

async function labelOf(c: C, id: number): Promise<LabelView> {
  const label = (await labelsForUser(c.get('deps').database.db, c.get('apiUser').id)).find(
    (l) => l.id === id,
  );
  if (!label) throw notFound('label', id);
  return label;
}

function checked(result: LabelResult, title: string): number {
  if (result.kind === 'ok') return result.id;
  if (result.code === 'labels.exists') throw new JsonApiError(409, `a label named "${title}" already exists`);
  throw new JsonApiError(400, 'title must not be empty');
}

export async function listLabels(c: C): Promise<Response> {
  const labels = await labelsForUser(c.get('deps').database.db, c.get('apiUser').id);
  return c.json(labels.map(labelJson));
}

export async function createLabelRoute(c: C): Promise<Response> {
  const body = await jsonBody(c);
  onlyKeys(body, ['title']);
  const title = titleField(body, 'title', MAX_TITLE);
  const id = checked(await createLabel(c.get('deps').database.db, c.get('apiUser').id, title), title);
  return c.json(labelJson(await labelOf(c, id)), 201);
}

export async function updateLabel(c: C): Promise<Response> {
  const id = pathId(c, 'label_id');
  await labelOf(c, id);
  const body = await jsonBody(c);
  onlyKeys(body, ['title']);
  const title = titleField(body, 'title', MAX_TITLE);
  checked(await renameLabel(c.get('deps').database.db, c.get('apiUser').id, id, title), title);
  return c.json(labelJson(await labelOf(c, id)));
}

export async function deleteLabelRoute(c: C): Promise<Response> {
  const id = pathId(c, 'label_id');
  await labelOf(c, id);
  await deleteLabel(c.get('deps').database.db, c.get('apiUser').id, id);
  return c.body(null, 204);
}

async function setLabel(c: C, on: boolean): Promise<Response> {
  const entryId = pathId(c, 'entry_id');
  const labelId = pathId(c, 'label_id');
  const ok = await setEntryLabel(c.get('deps').database.db, {
    userId: c.get('apiUser').id,
    entryId,
    labelId,
    on,
  });
  if (!ok) throw new JsonApiError(404, `entry ${entryId} or label ${labelId} not found`);
  return c.body(null, 204);
}

export const addEntryLabel = (c: C) => setLabel(c, true);
export const removeEntryLabel = (c: C) => setLabel(c, false);
