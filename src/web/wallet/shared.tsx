import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { ApiError, api } from '../lib/api.ts';

/**
 * What every wallet screen shares: the signed-in user, loading a resource with its error, and showing a
 * server problem (title, detail, per-field messages) the accessible way.
 */
export interface WalletUser {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
}

export interface WalletSession {
  user: WalletUser | null;
  /** Reads the session again (after sign-in, sign-out or verifying the address). */
  refresh(): Promise<void>;
}

export const SessionContext = createContext<WalletSession>({ user: null, refresh: async () => {} });

export function useSession(): WalletSession {
  return useContext(SessionContext);
}

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload(): Promise<void>;
  setData(value: T): void;
}

/** GETs `path` (null: nothing yet) and keeps the answer or the error; `reload` asks again. */
export function useApiGet<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);
  const reload = useCallback(async () => {
    if (path === null) return;
    setLoading(true);
    try {
      setData(await api<T>('GET', path));
      setError(null);
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload, setData };
}

/** The per-field messages of a 422 problem, keyed by the field's name (`/email` → `email`). */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const field of error.fields) {
    const name = (field.pointer ?? '').split('/').filter(Boolean)[0];
    if (name && !out[name]) out[name] = field.message;
  }
  return out;
}

/** A problem from the server (or a failed request), announced: its title and detail. */
export function ProblemAlert(props: { error: unknown; id?: string }) {
  const { t } = useI18n();
  if (!props.error) return null;
  const error = props.error;
  const title = error instanceof ApiError ? error.title : t('common.error');
  const detail = error instanceof ApiError ? error.detail : error instanceof Error ? error.message : null;
  return (
    <div className="error" role="alert" id={props.id}>
      <p>
        <strong>{title}</strong>
      </p>
      {detail ? <p>{detail}</p> : null}
    </div>
  );
}

/** The body of a screen that loads: a polite loading line, the problem, or the content. */
export function LoadState<T>(props: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  const { loaded } = props;
  if (loaded.error) return <ProblemAlert error={loaded.error} />;
  if (loaded.data === null) {
    return (
      <p aria-live="polite" className="small">
        {t('common.loading')}
      </p>
    );
  }
  return <>{props.children(loaded.data)}</>;
}

/** A text field with its label and its field error linked by aria-describedby. */
export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string | undefined;
  hint?: string;
  type?: string;
  autoComplete?: string;
  required?: boolean;
  multiline?: boolean;
  inputMode?: 'decimal' | 'numeric' | 'text';
  maxLength?: number;
}) {
  const errorId = `${props.id}-error`;
  const hintId = `${props.id}-hint`;
  const describedBy = [props.hint ? hintId : null, props.error ? errorId : null].filter(Boolean).join(' ');
  const common = {
    id: props.id,
    name: props.id,
    value: props.value,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    required: props.required,
    maxLength: props.maxLength,
  };
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint ? (
        <p className="small" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.multiline ? (
        <textarea {...common} rows={6} onChange={(event) => props.onChange(event.target.value)} />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          onChange={(event) => props.onChange(event.target.value)}
        />
      )}
      {props.error ? (
        <p className="field-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** Runs a write, tracking `busy` and the error; the result of `run` or undefined when it failed. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (caught) {
      setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}
