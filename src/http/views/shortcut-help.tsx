// The "?" overlay: every keyboard shortcut with its key (the user's, else FreshRSS's default).
// A <dialog> the client opens with showModal(); Escape or the button closes it.
import type { MessageKey } from '../../i18n/en.ts';
import type { Translator } from '../../i18n/i18n.ts';
import { SHORTCUT_DEFAULTS } from '../../model/reading-settings.ts';

function keyName(key: string): string {
  return key === ' ' ? 'Space' : key;
}

export function ShortcutHelp(props: { tr: Translator; shortcuts: Record<string, string> }) {
  const { tr } = props;
  return (
    <dialog id="shortcut-help" class="shortcut-help" aria-labelledby="shortcut-help-title">
      <form method="dialog">
        <h2 id="shortcut-help-title">{tr.t('shortcut.helpTitle')}</h2>
        <dl>
          {Object.entries(SHORTCUT_DEFAULTS).map(([action, key]) => (
            <>
              <dt>
                <kbd>{keyName(props.shortcuts[action] ?? key)}</kbd>
              </dt>
              <dd>{tr.t(`shortcut.${action}` as MessageKey)}</dd>
            </>
          ))}
        </dl>
        <p class="small">{tr.t('shortcut.modifiers')}</p>
        <button type="submit">{tr.t('global.close')}</button>
      </form>
    </dialog>
  );
}
