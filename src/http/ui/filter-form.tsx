// The filter actions form of one scope (a feed, a category, all feeds): a textarea of searches,
// one per line, for "mark as read", "mark as favourite" and each of the user's labels; the
// parser's message under each line that does not parse; and, for a feed or a category, the
// "apply to existing articles" button. Posted to /filters (src/http/ui/filter-pages.tsx).
import type { Kysely } from 'kysely';
import type { Translator } from '../../i18n/i18n.ts';
import type { FilterLineError } from '../../search/apply-filter-actions.ts';
import { filterListsOf, type FilterAction, type FilterScope } from '../../storage/filter-actions.ts';
import type { Schema } from '../../storage/schema.ts';
import { CsrfField } from '../views/layout.tsx';

/** The field name of an action's textarea: read, star, label_<id>. */
export function actionField(action: FilterAction): string {
  return action.kind === 'label' ? `label_${action.labelId}` : action.kind;
}

export interface FilterFormData {
  scope: FilterScope;
  labels: { id: number; name: string }[];
  /** Textarea contents by field name. */
  texts: Record<string, string>;
  /** Errors by field name (after a rejected save). */
  errors: Record<string, FilterLineError[]>;
}

/** What the form shows for a scope: the saved lists, one textarea per action. */
export async function loadFilterForm(
  db: Kysely<Schema>,
  userId: number,
  scope: FilterScope,
): Promise<FilterFormData> {
  const [lists, labels] = await Promise.all([
    filterListsOf(db, userId, scope),
    db.selectFrom('labels').select(['id', 'name']).where('user_id', '=', userId).orderBy('name').execute(),
  ]);
  const texts: Record<string, string> = {};
  for (const list of lists) texts[actionField(list.action)] = list.searches.join('\n');
  return { scope, labels, texts, errors: {} };
}

function scopeId(scope: FilterScope): string {
  return scope.kind === 'user' ? '' : String(scope.id);
}

function ActionField(props: { tr: Translator; name: string; label: string; data: FilterFormData }) {
  const errors = props.data.errors[props.name] ?? [];
  const id = `filters-${props.name}`;
  return (
    <label>
      {props.label}
      <textarea
        name={props.name}
        id={id}
        rows={3}
        maxlength={20000}
        spellcheck={false}
        placeholder="intitle:sponsored"
        aria-invalid={errors.length ? 'true' : undefined}
        aria-describedby={errors.length ? `${id}-errors` : undefined}
      >
        {props.data.texts[props.name] ?? ''}
      </textarea>
      {errors.length > 0 && (
        <ul class="error filter-errors" id={`${id}-errors`}>
          {errors.map((e) => (
            <li>{props.tr.t('filters.lineError', { line: e.line, search: e.search, message: e.message })}</li>
          ))}
        </ul>
      )}
    </label>
  );
}

export function FilterForm(props: {
  tr: Translator;
  csrf: string;
  data: FilterFormData;
  /** Where to come back after saving or applying. */
  back: string;
  /** Show the heading (false when the page's own title says it). */
  heading?: boolean;
}) {
  const { tr, data } = props;
  const hasErrors = Object.values(data.errors).some((list) => list.length > 0);
  return (
    <section class="filters" id="filters">
      {props.heading !== false && <h2>{tr.t('filters.title')}</h2>}
      <form method="post" action="/filters" class="stack filter-form">
        <p class="muted small">{tr.t('filters.intro')}</p>
        {hasErrors && (
          <p class="error" role="alert">
            {tr.t('filters.invalid')}
          </p>
        )}
        <CsrfField token={props.csrf} />
        <input type="hidden" name="scope" value={data.scope.kind} />
        <input type="hidden" name="scopeId" value={scopeId(data.scope)} />
        <input type="hidden" name="back" value={props.back} />
        <ActionField tr={tr} name="read" label={tr.t('filters.read')} data={data} />
        <ActionField tr={tr} name="star" label={tr.t('filters.star')} data={data} />
        {data.labels.map((l) => (
          <ActionField
            tr={tr}
            name={`label_${l.id}`}
            label={tr.t('filters.label', { name: l.name })}
            data={data}
          />
        ))}
        {data.labels.length === 0 && (
          <p class="muted small">
            <a href="/labels">{tr.t('filters.noLabels')}</a>
          </p>
        )}
        <p class="muted small">{tr.t('filters.importantNote')}</p>
        <button type="submit">{tr.t('filters.save')}</button>
      </form>
      {data.scope.kind !== 'user' && (
        <form method="post" action="/filters/apply" class="inline-form filter-apply">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="scope" value={data.scope.kind} />
          <input type="hidden" name="scopeId" value={scopeId(data.scope)} />
          <input type="hidden" name="back" value={props.back} />
          <button type="submit">{tr.t('filters.apply')}</button>
        </form>
      )}
    </section>
  );
}
