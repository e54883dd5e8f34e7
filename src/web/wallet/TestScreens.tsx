import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { Link, useRouter } from '../lib/router.tsx';
import { ScreenHeading } from './ScreenHeading.tsx';
import { LoadState, ProblemAlert, useAction, useApiGet } from './shared.tsx';
import type { Answer, Attempt, AttemptItem } from './types.ts';

/** My attempts, newest first, each linking to its questions or its result. */
export function TestsScreen() {
  const { t, date, number } = useI18n();
  const loaded = useApiGet<{ attempts: Attempt[] }>('/api/v1/me/attempts?limit=50');
  return (
    <>
      <ScreenHeading>{t('wallet.tests.title')}</ScreenHeading>
      <p>{t('wallet.tests.intro')}</p>
      <LoadState loaded={loaded}>
        {({ attempts }) =>
          attempts.length === 0 ? (
            <p>{t('wallet.tests.empty')}</p>
          ) : (
            <table>
              <caption className="visually-hidden">{t('wallet.tests.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('wallet.tests.test')}</th>
                  <th scope="col">{t('wallet.tests.started')}</th>
                  <th scope="col">{t('wallet.tests.outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {attempts.map((attempt) => (
                  <tr key={attempt.id}>
                    <td>
                      <Link href={`/wallet/attempts/${attempt.id}`}>
                        {t('wallet.tests.attemptName', {
                          title: attempt.definitionTitle,
                          number: attempt.attemptNumber,
                        })}
                      </Link>
                    </td>
                    <td>{date(attempt.startedAt, { withTime: true })}</td>
                    <td>
                      {attempt.result
                        ? t(
                            attempt.result.passed ? 'wallet.result.passedShort' : 'wallet.result.failedShort',
                            {
                              percent: number(attempt.result.percent, { maximumFractionDigits: 1 }),
                            },
                          )
                        : t('wallet.tests.open')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadState>
    </>
  );
}

/** The door to a definition's test (`/wallet/tests/<definitionId>`): start it, or continue the open attempt. */
export function StartTestScreen(props: { definitionId: string }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const action = useAction();
  return (
    <>
      <ScreenHeading>{t('wallet.start.title')}</ScreenHeading>
      <p>{t('wallet.start.intro')}</p>
      <ProblemAlert error={action.error} />
      <button
        type="button"
        disabled={action.busy}
        onClick={async () => {
          const started = await action.run(() =>
            api<{ attempt: Attempt }>(
              'POST',
              `/api/v1/definitions/${encodeURIComponent(props.definitionId)}/attempts`,
            ),
          );
          if (started) navigate(`/wallet/attempts/${started.attempt.id}`, { replace: true });
        }}
      >
        {t('wallet.start.button')}
      </button>
    </>
  );
}

function isAnswered(answer: Answer | null): boolean {
  if (answer === null) return false;
  if (Array.isArray(answer)) return answer.length > 0;
  return answer !== '';
}

export function AttemptScreen(props: { id: string }) {
  const loaded = useApiGet<{ attempt: Attempt }>(`/api/v1/attempts/${encodeURIComponent(props.id)}`);
  return (
    <LoadState loaded={loaded}>
      {({ attempt }) =>
        attempt.status === 'open' ? (
          <OpenAttempt
            attempt={attempt}
            onChange={(next) => loaded.setData({ attempt: next })}
            reload={loaded.reload}
          />
        ) : (
          <AttemptResult attempt={attempt} />
        )
      }
    </LoadState>
  );
}

function OpenAttempt(props: { attempt: Attempt; onChange(next: Attempt): void; reload(): Promise<void> }) {
  const { t } = useI18n();
  const { attempt } = props;
  const [saveState, setSaveState] = useState<{ itemId: string; state: 'saving' | 'saved' } | null>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const submit = useAction();
  const answered = attempt.items.filter((item) => isAnswered(item.answer)).length;

  async function save(item: AttemptItem, answer: Answer) {
    setSaveState({ itemId: item.id, state: 'saving' });
    setSaveError(null);
    // Shown at once; the server's copy replaces it when saved (or a reload when not).
    props.onChange({
      ...attempt,
      items: attempt.items.map((other) => (other.id === item.id ? { ...other, answer } : other)),
    });
    try {
      const next = await api<{ attempt: Attempt }>(
        'PUT',
        `/api/v1/attempts/${attempt.id}/responses/${item.id}`,
        {
          answer,
        },
      );
      props.onChange(next.attempt);
      setSaveState({ itemId: item.id, state: 'saved' });
    } catch (error) {
      setSaveState(null);
      setSaveError(error);
      await props.reload();
    }
  }

  async function submitNow() {
    const done = await submit.run(() =>
      api<{ attempt: Attempt }>('POST', `/api/v1/attempts/${attempt.id}/submit`),
    );
    if (done) props.onChange(done.attempt);
    else await props.reload();
  }

  return (
    <>
      <ScreenHeading>{attempt.definitionTitle}</ScreenHeading>
      <p>{t('wallet.attempt.intro', { number: attempt.attemptNumber, passMark: attempt.passMark })}</p>
      {attempt.deadlineAt ? (
        <Timer deadlineAt={attempt.deadlineAt} secondsLeft={attempt.secondsLeft} onExpire={submitNow} />
      ) : null}
      <div className="attempt-progress">
        <label htmlFor="attempt-progress">
          {t('wallet.attempt.progress', { answered, total: attempt.items.length })}
        </label>
        <progress id="attempt-progress" max={attempt.items.length} value={answered} />
      </div>
      <p aria-live="polite" className="small save-status">
        {saveState?.state === 'saving'
          ? t('wallet.attempt.saving')
          : saveState?.state === 'saved'
            ? t('wallet.attempt.saved')
            : ''}
      </p>
      <ProblemAlert error={saveError} />
      <ol className="attempt-items">
        {attempt.items.map((item, index) => (
          <li key={item.id}>
            <ItemQuestion item={item} number={index + 1} onAnswer={(answer) => save(item, answer)} />
          </li>
        ))}
      </ol>
      <section aria-labelledby="submit-heading">
        <h2 id="submit-heading">{t('wallet.attempt.submitHeading')}</h2>
        <ProblemAlert error={submit.error} />
        {confirming ? (
          <div className="unknown">
            <p>{t('wallet.attempt.confirm', { count: attempt.items.length - answered })}</p>
            <button type="button" disabled={submit.busy} onClick={submitNow}>
              {t('wallet.attempt.submitAnyway')}
            </button>{' '}
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {t('wallet.attempt.keepAnswering')}
            </button>
          </div>
        ) : (
          <button
            type="button"
            disabled={submit.busy}
            onClick={() => (answered < attempt.items.length ? setConfirming(true) : submitNow())}
          >
            {t('wallet.attempt.submit')}
          </button>
        )}
      </section>
    </>
  );
}

/**
 * The time left, visible to everyone (updated each second) and announced politely to screen readers only
 * at a few moments — every 5 minutes, at 1 minute and at 30 seconds — rather than every second.
 */
function Timer(props: { deadlineAt: string; secondsLeft: number | null; onExpire(): void }) {
  const { t } = useI18n();
  // The server's secondsLeft when the screen opened, counted down by this browser's clock, so a skewed clock
  // does not matter. Fixed then: every saved answer brings a fresher (smaller) secondsLeft, and counting the
  // time since opening off that one again would end the test early by however long it has been open.
  const [endsAt] = useState(() => {
    const opened = Date.now();
    const seconds =
      props.secondsLeft ?? Math.max(0, Math.round((new Date(props.deadlineAt).getTime() - opened) / 1000));
    return opened + seconds * 1000;
  });
  const [now, setNow] = useState(() => Date.now());
  const expired = useRef(false);
  const left = Math.max(0, Math.ceil((endsAt - now) / 1000));
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  useEffect(() => {
    if (left === 0 && !expired.current) {
      expired.current = true;
      props.onExpire();
    }
  }, [left, props]);
  const minutes = Math.floor(left / 60);
  const seconds = left % 60;
  const clock = `${minutes}:${String(seconds).padStart(2, '0')}`;
  const announce =
    left === 0
      ? t('wallet.timer.over')
      : left <= 30
        ? t('wallet.timer.seconds', { count: 30 })
        : left <= 60
          ? t('wallet.timer.minutes', { count: 1 })
          : t('wallet.timer.minutes', { count: Math.ceil(minutes / 5) * 5 || 5 });
  return (
    <div className={`timer${left <= 60 ? ' timer-low' : ''}`}>
      <p>
        <span id="timer-label">{t('wallet.timer.label')}</span>{' '}
        <span role="timer" aria-labelledby="timer-label" className="timer-clock">
          {clock}
        </span>
      </p>
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}

function ItemQuestion(props: { item: AttemptItem; number: number; onAnswer(answer: Answer): void }) {
  const { t } = useI18n();
  const { item } = props;
  const legend = (
    <legend>
      <span className="visually-hidden">{t('wallet.attempt.question', { number: props.number })} </span>
      {item.prompt} <span className="small">({t('wallet.attempt.points', { count: item.points })})</span>
    </legend>
  );
  const name = `item-${item.id}`;
  if (item.type === 'single_choice' || item.type === 'true_false') {
    const options =
      item.type === 'true_false'
        ? [
            { id: 'true', text: t('wallet.attempt.true') },
            { id: 'false', text: t('wallet.attempt.false') },
          ]
        : (item.options ?? []);
    const current = item.answer === null ? '' : String(item.answer);
    return (
      <fieldset>
        {legend}
        {options.map((option) => (
          <div className="choice" key={option.id}>
            <input
              type="radio"
              id={`${name}-${option.id}`}
              name={name}
              value={option.id}
              checked={current === option.id}
              onChange={() => props.onAnswer(item.type === 'true_false' ? option.id === 'true' : option.id)}
            />
            <label htmlFor={`${name}-${option.id}`}>{option.text}</label>
          </div>
        ))}
      </fieldset>
    );
  }
  if (item.type === 'multiple_response') {
    const chosen = Array.isArray(item.answer) ? item.answer : [];
    return (
      <fieldset>
        {legend}
        <p className="small">{t('wallet.attempt.chooseAll')}</p>
        {(item.options ?? []).map((option) => (
          <div className="choice" key={option.id}>
            <input
              type="checkbox"
              id={`${name}-${option.id}`}
              name={name}
              value={option.id}
              checked={chosen.includes(option.id)}
              onChange={(event) =>
                props.onAnswer(
                  event.target.checked ? [...chosen, option.id] : chosen.filter((id) => id !== option.id),
                )
              }
            />
            <label htmlFor={`${name}-${option.id}`}>{option.text}</label>
          </div>
        ))}
      </fieldset>
    );
  }
  return <TypedAnswer item={item} legend={legend} onAnswer={props.onAnswer} />;
}

/** numeric and short_text: typed, saved with Enter, the Save button, or on leaving the field. */
function TypedAnswer(props: { item: AttemptItem; legend: ReactNode; onAnswer(answer: Answer): void }) {
  const { t } = useI18n();
  const { item } = props;
  const [value, setValue] = useState(item.answer === null ? '' : String(item.answer));
  const [invalid, setInvalid] = useState(false);
  const id = `item-${item.id}-answer`;
  const saved = item.answer === null ? '' : String(item.answer);

  function save(event?: FormEvent) {
    event?.preventDefault();
    if (value.trim() === '' || value === saved) return;
    if (item.type === 'numeric') {
      const number = Number(value.replace(',', '.'));
      if (!Number.isFinite(number)) {
        setInvalid(true);
        return;
      }
      setInvalid(false);
      props.onAnswer(number);
    } else {
      props.onAnswer(value);
    }
  }

  return (
    <form onSubmit={save}>
      <fieldset>
        {props.legend}
        <label htmlFor={id}>
          {t(item.type === 'numeric' ? 'wallet.attempt.numberAnswer' : 'wallet.attempt.textAnswer')}
        </label>
        <input
          id={id}
          value={value}
          inputMode={item.type === 'numeric' ? 'decimal' : 'text'}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? `${id}-error` : undefined}
          onChange={(event) => setValue(event.target.value)}
          onBlur={() => save()}
        />
        {invalid ? (
          <p className="field-error" id={`${id}-error`} role="alert">
            {t('wallet.attempt.notANumber')}
          </p>
        ) : null}
        <button type="submit" className="secondary">
          {t('wallet.attempt.saveAnswer')}
        </button>
      </fieldset>
    </form>
  );
}

function AttemptResult(props: { attempt: Attempt }) {
  const { t, number, date } = useI18n();
  const { attempt } = props;
  const result = attempt.result;
  return (
    <>
      <ScreenHeading>{t('wallet.result.title', { title: attempt.definitionTitle })}</ScreenHeading>
      {result ? (
        <div className={result.passed ? 'ok' : 'error'} role="status">
          <p>
            <strong>{t(result.passed ? 'wallet.result.passed' : 'wallet.result.failed')}</strong>
          </p>
          <p>
            {t('wallet.result.score', {
              score: number(result.score),
              max: number(result.maxScore),
              percent: number(result.percent, { maximumFractionDigits: 1 }),
              passMark: attempt.passMark,
            })}
          </p>
          {attempt.status === 'expired' ? <p>{t('wallet.result.expired')}</p> : null}
          {result.credentialId ? (
            <p>
              <Link href={`/wallet/credentials/${result.credentialId}`}>
                {t('wallet.result.openCredential')}
              </Link>
            </p>
          ) : null}
        </div>
      ) : (
        <p>{t('wallet.result.pending')}</p>
      )}
      {attempt.retake && !result?.passed ? (
        <p>
          {attempt.retake.allowed
            ? attempt.retake.availableAt
              ? t('wallet.result.retakeAt', { date: date(attempt.retake.availableAt, { withTime: true }) })
              : t('wallet.result.retakeNow')
            : t('wallet.result.noRetake')}{' '}
          {attempt.retake.allowed ? (
            <Link href={`/wallet/tests/${attempt.definitionId}`}>{t('wallet.result.retake')}</Link>
          ) : null}
        </p>
      ) : null}
      <h2>{t('wallet.result.feedback')}</h2>
      <ol className="attempt-items">
        {attempt.items.map((item) => (
          <li key={item.id}>
            <p>
              <strong>{item.prompt}</strong>
            </p>
            <p>
              {t('wallet.result.yourAnswer')} {answerText(item, t)}
            </p>
            {item.result ? (
              <p className={item.result.correct ? 'ok' : 'error'}>
                {t(item.result.correct ? 'wallet.result.correct' : 'wallet.result.incorrect', {
                  earned: number(item.result.earned),
                  points: number(item.points),
                })}
                {item.result.feedback ? (
                  <>
                    <br />
                    {item.result.feedback}
                  </>
                ) : null}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}

function answerText(item: AttemptItem, t: ReturnType<typeof useI18n>['t']): string {
  const answer = item.answer;
  if (answer === null || (Array.isArray(answer) && answer.length === 0)) return t('wallet.result.noAnswer');
  if (typeof answer === 'boolean') return t(answer ? 'wallet.attempt.true' : 'wallet.attempt.false');
  const optionText = (id: string) => item.options?.find((option) => option.id === id)?.text ?? id;
  if (Array.isArray(answer)) return answer.map(optionText).join('; ');
  return typeof answer === 'string' && item.options ? optionText(answer) : String(answer);
}
