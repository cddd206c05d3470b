import { useState, type FormEvent } from 'react';
import { createApiClient, describeApiError } from '../api/client.js';
import type { Session } from './session.js';

/** Sign in; prefilled with the demo process owner so a first look takes one click. */
export function LoginScreen({ onSignedIn }: { onSignedIn(session: Session): void }) {
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
        <p className="login__lead">Design, test and publish invoice exception workflows.</p>
        <label className="inspector__field">
          <span>Email</span>
          <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label className="inspector__field">
          <span>Password</span>
          <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <div className="banner banner--error" role="alert">
            {error}
          </div>
        )}
        <button className="btn btn--primary btn--block" type="submit" disabled={busy} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="login__hint">Demo users: owner@, analyst@, approver@, admin@demo.exflow · password “demo”</p>
      </form>
    </div>
  );
}
