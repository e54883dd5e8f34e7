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

/**
 * Removing one entry of a list after asking (a member, a token): `asking` is the entry whose question
 * shows, one at a time; `removeAfterAsking` DELETEs `path`, closes the question and, when that worked,
 * says `done` in `status` and reloads the list. `run` is free for the list's other writes.
 */
export function useRemovalAfterAsking(reload: () => void) {
  const action = useAction();
  const [asking, setAsking] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const { run } = action;
  const removeAfterAsking = async (path: string, done: string) => {
    const answer = await run(() => api('DELETE', path));
    setAsking(null);
    if (answer === undefined) return;
    setStatus(done);
    reload();
  };
  return { ...action, asking, setAsking, status, setStatus, removeAfterAsking };
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

/**
 * A <Field> holding one text-like <input> (text, e-mail, URL, date) whose value the caller keeps: the
 * label, hint and error wired to it. `markInvalid` also sets aria-invalid while the error shows.
 */
export function InputField(props: {
  label: string;
  error?: string | undefined;
  hint?: string;
  type?: 'email' | 'url' | 'date';
  required?: boolean;
  maxLength?: number;
  markInvalid?: boolean;
  value: string;
  onChange(value: string): void;
}) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type={props.type}
          required={props.required}
          maxLength={props.maxLength}
          value={props.value}
          onChange={(event) => props.onChange(event.target.value)}
          aria-describedby={describedBy}
          aria-invalid={(props.markInvalid && invalid) || undefined}
        />
      )}
    </Field>
  );
}

/** A table's header row: a column header per label, in order; a `null` label is a column left out. */
export function ColumnHeads(props: { labels: Array<string | null> }) {
  return (
    <thead>
      <tr>
        {props.labels.map((label) =>
          label === null ? null : (
            <th scope="col" key={label}>
              {label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

/**
 * The question an action that cannot be undone asks first (remove, revoke, delete, rotate): the question,
 * a yes button (red when `danger`) and a cancel button, announced as an alert when it appears.
 */
export function ConfirmBox(props: {
  question: string;
  yes: string;
  danger?: boolean;
  busy: boolean;
  onYes(): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  return (
    <div className="confirm unknown" role="alert">
      <p>{props.question}</p>
      <button
        type="button"
        className={props.danger ? 'danger' : undefined}
        disabled={props.busy}
        onClick={props.onYes}
      >
        {props.yes}
      </button>{' '}
      <button type="button" className="secondary" onClick={props.onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

/**
 * A list entry's remove (or revoke) button: `label` names the entry for screen readers, `short` shows.
 * Pressed, the question replaces it (one entry asks at a time); yes DELETEs `path` and says `done`.
 */
export function RemovalButton(props: {
  removal: ReturnType<typeof useRemovalAfterAsking>;
  entry: string;
  path: string;
  done: string;
  label: string;
  short: string;
  question: string;
  yes: string;
}) {
  const { removal } = props;
  if (removal.asking === props.entry) {
    return (
      <ConfirmBox
        question={props.question}
        yes={props.yes}
        danger
        busy={removal.busy}
        onYes={() => void removal.removeAfterAsking(props.path, props.done)}
        onCancel={() => removal.setAsking(null)}
      />
    );
  }
  return (
    <button
      type="button"
      className="secondary"
      aria-label={props.label}
      onClick={() => removal.setAsking(props.entry)}
    >
      {props.short}
    </button>
  );
}

/** What a form's or a list's last action did: a polite live line (empty when nothing to say), then its problem. */
export function ActionOutcome(props: { status: string; error: ApiError | null }) {
  return (
    <>
      <p aria-live="polite" className="small">
        {props.status}
      </p>
      <ProblemAlert error={props.error} />
    </>
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
