import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { ApiError, api } from '../lib/api.ts';

/** Paths of the console screens of one organisation. */
export function orgPath(slug: string, rest = ''): string {
  return `/console/orgs/${encodeURIComponent(slug)}${rest}`;
}

/** The API path of an organisation resource. */
export function orgApi(slug: string, rest = ''): string {
  return `/api/v1/orgs/${encodeURIComponent(slug)}${rest}`;
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, error instanceof Error ? error.message : String(error), null, null, []);
}

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
  setData(data: T): void;
}

/** GETs `path` (null: nothing yet) and re-GETs when it changes or on `reload()`. */
export function useLoad<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: path !== null,
  });
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` re-runs the request on reload()
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    api<T>('GET', path).then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState({ data: null, error: asApiError(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const setData = useCallback((data: T) => setState({ data, error: null, loading: false }), []);
  return { ...state, reload, setData };
}

/** Runs one write at a time: `busy` disables the button, `error` feeds <ProblemAlert>. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (caught) {
      setError(asApiError(caught));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/** A problem from the server, announced: its title, detail and each field's message. */
export function ProblemAlert(props: { error: ApiError | null; id?: string }) {
  const { t } = useI18n();
  if (!props.error) return null;
  const { error } = props;
  return (
    <div role="alert" className="error problem" id={props.id}>
      <p>
        <strong>{error.status === 0 ? t('console.error.network') : error.title}</strong>
      </p>
      {error.detail ? <p>{error.detail}</p> : null}
      {error.fields.length > 0 ? (
        <ul>
          {error.fields.map((field) => (
            <li key={`${field.pointer ?? ''}:${field.message}`}>
              {field.pointer ? <code>{field.pointer}</code> : null} {field.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The message of the problem's field at `pointer` (exact, or the first below it). */
export function fieldMessage(error: ApiError | null, pointer: string): string | undefined {
  if (!error) return undefined;
  const field = error.fields.find(
    (entry) => entry.pointer === pointer || entry.pointer?.startsWith(`${pointer}/`),
  );
  return field?.message;
}

/** A labelled control with its error linked by aria-describedby. */
export function Field(props: {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy =
    [props.hint ? hintId : null, props.error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint ? (
        <p className="small hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.children({ id, describedBy, invalid: Boolean(props.error) })}
      {props.error ? (
        <p className="field-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p aria-live="polite" className="small">
      {t('common.loading')}
    </p>
  );
}

/** A screen that failed to load: its problem and a retry. */
export function LoadFailed(props: { error: ApiError; reload(): void; title: string }) {
  const { t } = useI18n();
  return (
    <>
      <h1>{props.title}</h1>
      <ProblemAlert error={props.error} />
      <button type="button" className="secondary" onClick={props.reload}>
        {t('common.retry')}
      </button>
    </>
  );
}

/** Calls `effect` `delayMs` after `value` stops changing (the editor's live checks, the searches). */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/** Re-runs `tick` every `intervalMs` while `active` (the bulk-issue progress). */
export function usePolling(active: boolean, intervalMs: number, tick: () => void) {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => latest.current(), intervalMs);
    return () => window.clearInterval(timer);
  }, [active, intervalMs]);
}

/** A status word shown as a tag, e.g. draft / published / revoked. */
export function StatusTag(props: {
  status: string;
  prefix: 'definition' | 'credential' | 'submission' | 'job';
}) {
  const { t } = useI18n();
  return (
    <span className={`status-tag status-${props.status}`}>
      {t(`console.status.${props.prefix}.${props.status}` as MessageKey)}
    </span>
  );
}
