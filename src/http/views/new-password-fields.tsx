// The "new password" inputs of every form that sets one (first-run setup, registration, password
// change, an administrator creating a user), and the one check they all apply.
import type { Translator } from '../../i18n/i18n.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { MIN_PASSWORD_LENGTH, USERNAME_PATTERN } from '../../lib/passwords.ts';

export function NewPasswordFields(props: {
  tr: Translator;
  /** Ask for the password twice (not when an administrator types it for someone else). */
  confirm?: boolean;
  label?: MessageKey;
  confirmLabel?: MessageKey;
}) {
  const { tr } = props;
  const input = (name: string) => (
    <input type="password" name={name} required autocomplete="new-password" minlength={MIN_PASSWORD_LENGTH} />
  );
  return (
    <>
      <label>
        {tr.t(props.label ?? 'login.password')}
        {input('password')}
      </label>
      {props.confirm !== false && (
        <label>
          {tr.t(props.confirmLabel ?? 'setup.passwordConfirm')}
          {input('password2')}
        </label>
      )}
    </>
  );
}

/** What is wrong with a new account's name and password, or null. `password2` undefined: not asked. */
export function newCredentialsError(
  tr: Translator,
  input: { username?: string; password: string; password2?: string },
): string | null {
  if (input.username !== undefined && !USERNAME_PATTERN.test(input.username))
    return tr.t('setup.usernameInvalid');
  if (input.password.length < MIN_PASSWORD_LENGTH) return tr.t('setup.passwordShort');
  if (input.password2 !== undefined && input.password !== input.password2)
    return tr.t('setup.passwordMismatch');
  return null;
}
