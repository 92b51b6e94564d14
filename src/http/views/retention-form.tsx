// The retention form of one scope (a feed, a category, or all of a user's feeds).
import type { Translator } from '../../i18n/i18n.ts';
import type { PartialPolicy } from '../../model/retention.ts';
import { CsrfField } from './layout.tsx';

export function RetentionForm(props: {
  tr: Translator;
  csrf: string;
  scope: 'feed' | 'category' | 'user';
  scopeId: number | null;
  policy: PartialPolicy | null;
  back: string;
}) {
  const { tr, policy } = props;
  const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  const unread = policy?.keepUnread;
  return (
    <form method="post" action="/retention" class="stack retention">
      <h2>{tr.t('retention.title')}</h2>
      <p class="muted small">{tr.t('retention.intro')}</p>
      <CsrfField token={props.csrf} />
      <input type="hidden" name="scope" value={props.scope} />
      <input type="hidden" name="scopeId" value={num(props.scopeId)} />
      <input type="hidden" name="back" value={props.back} />
      <label>
        {tr.t('retention.keepMax')}
        <input
          type="number"
          name="keepMax"
          min="0"
          inputmode="numeric"
          value={num(policy?.keepMax)}
          placeholder={tr.t('retention.inherit')}
        />
      </label>
      <label>
        {tr.t('retention.keepMin')}
        <input
          type="number"
          name="keepMin"
          min="0"
          inputmode="numeric"
          value={num(policy?.keepMin)}
          placeholder={tr.t('retention.inherit')}
        />
      </label>
      <label>
        {tr.t('retention.keepDays')}
        <input
          type="number"
          name="keepDays"
          min="0"
          inputmode="numeric"
          value={num(policy?.keepDays)}
          placeholder={tr.t('retention.inherit')}
        />
      </label>
      <label>
        {tr.t('retention.keepUnread')}
        <select name="keepUnread">
          <option value="" selected={unread === null || unread === undefined}>
            {tr.t('retention.inherit')}
          </option>
          <option value="1" selected={unread === true}>
            {tr.t('retention.yes')}
          </option>
          <option value="0" selected={unread === false}>
            {tr.t('retention.no')}
          </option>
        </select>
      </label>
      <button type="submit">{tr.t('retention.save')}</button>
    </form>
  );
}
