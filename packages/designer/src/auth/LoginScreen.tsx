import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../i18n/LanguageSwitch.js';
import { createApiClient, describeApiError } from '../api/client.js';
import type { Session } from './session.js';

/** Sign in; prefilled with the demo process owner so a first look takes one click. */
export function LoginScreen({ onSignedIn }: { onSignedIn(session: Session): void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('owner@demo.exflow');
  const [password, setPassword] = useState('demo');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const api = createApiClient({ getToken: () => null });
      onSignedIn(await api.login(email, password));
    } catch (err) {
      setError(describeApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form className="login__card" onSubmit={submit}>
        <div className="brand brand--large">
          <span className="brand__mark" aria-hidden>
            ⟶
          </span>{' '}
          Exflow
        </div>
        <p className="login__lead">{t('login.lead')}</p>
        <label className="inspector__field">
          <span>{t('login.email')}</span>
          <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label className="inspector__field">
          <span>{t('login.password')}</span>
          <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <div className="banner banner--error" role="alert">
            {error}
          </div>
        )}
        <button className="btn btn--primary btn--block" type="submit" disabled={busy} data-testid="login-submit">
          {busy ? t('login.signingIn') : t('login.signIn')}
        </button>
        <p className="login__hint">{t('login.hint')}</p>
        <LanguageSwitch />
      </form>
    </div>
  );
}
