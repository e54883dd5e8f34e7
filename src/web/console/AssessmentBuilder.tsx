import { type FormEvent, useState } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { Field, LoadFailed, Loading, orgApi, orgPath, ProblemAlert, useAction, useLoad } from './shared.tsx';
import type { DefinitionDetail, ItemType, ManagedTest, Rubric, RubricCriterion } from './types.ts';

const ITEM_TYPES: ItemType[] = ['single_choice', 'multiple_response', 'true_false', 'numeric', 'short_text'];
const RUBRIC_TYPES = new Set(['portfolio', 'practical', 'project', 'oral']);

/**
 * The assessment of one definition version: the automatically scored test (settings and item bank) and
 * the portfolio rubric. Which one a learner meets follows the definition's assessment type; both can be
 * built here while the definition is a draft.
 */
export function AssessmentBuilder(props: { slug: string; id: string }) {
  const { t } = useI18n();
  const definition = useLoad<{ definition: DefinitionDetail }>(
    orgApi(props.slug, `/definitions/${props.id}`),
  );
  const title = t('console.assessment.title');
  if (definition.error)
    return <LoadFailed error={definition.error} reload={definition.reload} title={title} />;
  if (!definition.data) return <Loading />;
  const detail = definition.data.definition;
  const type = detail.content.assessment?.type;
  const outcomes = (detail.content.learningOutcomes ?? []).map((outcome, index) => ({
    id: outcome.id ?? `lo-${index + 1}`,
    statement: outcome.statement,
  }));
  return (
    <>
      <h1>{t('console.assessment.heading', { title: detail.title })}</h1>
      <p>
        <Link href={orgPath(props.slug, `/definitions/${props.id}`)}>{t('console.assessment.back')}</Link>
      </p>
      <p className={type ? 'small' : 'unknown'}>
        {type
          ? t('console.assessment.typeLine', { type: t(`console.assessmentType.${type}` as MessageKey) })
          : t('console.assessment.noType')}
      </p>
      {type !== undefined && RUBRIC_TYPES.has(type) ? (
        <RubricBuilder slug={props.slug} id={props.id} outcomes={outcomes} />
      ) : (
        <TestBuilder slug={props.slug} id={props.id} outcomes={outcomes} />
      )}
    </>
  );
}

type Outcome = { id: string; statement: string };

function TestBuilder(props: { slug: string; id: string; outcomes: Outcome[] }) {
  const { t, number } = useI18n();
  const path = orgApi(props.slug, `/definitions/${props.id}/test`);
  const test = useLoad<{ test: ManagedTest }>(path);
  // No test yet answers 404: the builder starts empty.
  const current = test.data?.test ?? null;
  const missing = test.error?.status === 404;
  if (test.error && !missing) {
    return <LoadFailed error={test.error} reload={test.reload} title={t('console.test.title')} />;
  }
  if (!current && !missing) return <Loading />;
  const editable = current?.editable ?? true;
  return (
    <section aria-labelledby="test-title">
      <h2 id="test-title">{t('console.test.title')}</h2>
      {current ? (
        <p className={current.readiness.ready ? 'ok' : 'unknown'} aria-live="polite">
          {current.readiness.ready ? t('console.test.ready') : current.readiness.problems.join(' ')}
        </p>
      ) : (
        <p className="unknown">{t('console.test.none')}</p>
      )}
      <TestSettings path={path} test={current} editable={editable} onSaved={test.reload} />
      <h3>{t('console.test.items', { count: current?.items.length ?? 0 })}</h3>
      {current && current.items.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('console.test.col.prompt')}</th>
              <th scope="col">{t('console.test.col.type')}</th>
              <th scope="col">{t('console.test.col.points')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('console.test.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {current.items.map((item) => (
              <tr key={item.id}>
                <td>{number(item.position)}</td>
                <td>{item.prompt}</td>
                <td>{t(`console.itemType.${item.type}` as MessageKey)}</td>
                <td>{number(item.points)}</td>
                <td>
                  {editable ? (
                    <RemoveItem
                      path={`${path}/items/${item.id}`}
                      position={item.position}
                      onRemoved={test.reload}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {editable ? (
        <AddItemForm path={`${path}/items`} outcomes={props.outcomes} onAdded={test.reload} />
      ) : null}
    </section>
  );
}

function RemoveItem(props: { path: string; position: number; onRemoved(): void }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={async () => {
          const done = await run(() => api('DELETE', props.path).then(() => true));
          if (done) props.onRemoved();
        }}
      >
        {t('console.test.removeItem', { n: props.position })}
      </button>
      <ProblemAlert error={error} />
    </>
  );
}

function TestSettings(props: { path: string; test: ManagedTest | null; editable: boolean; onSaved(): void }) {
  const { t } = useI18n();
  const [passMark, setPassMark] = useState(String(props.test?.passMark ?? 70));
  const [attemptLimit, setAttemptLimit] = useState(
    props.test?.attemptLimit ? String(props.test.attemptLimit) : '',
  );
  const [minutes, setMinutes] = useState(
    props.test?.timeLimitSeconds ? String(Math.round(props.test.timeLimitSeconds / 60)) : '',
  );
  const [perAttempt, setPerAttempt] = useState(
    props.test?.itemsPerAttempt ? String(props.test.itemsPerAttempt) : '',
  );
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const optionalInteger = (value: string) => (value.trim() === '' ? null : Math.round(Number(value)));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const limitMinutes = optionalInteger(minutes);
    const answer = await run(() =>
      api('PUT', props.path, {
        passMark: Number(passMark),
        attemptLimit: optionalInteger(attemptLimit),
        timeLimitSeconds: limitMinutes === null ? null : limitMinutes * 60,
        itemsPerAttempt: optionalInteger(perAttempt),
      }),
    );
    if (answer) {
      setSaved(true);
      props.onSaved();
    }
  };
  const numberField = (label: string, value: string, set: (value: string) => void, hint?: string) => (
    <Field label={label} hint={hint}>
      {({ id, describedBy }) => (
        <input
          id={id}
          type="number"
          min={0}
          value={value}
          onChange={(event) => set(event.target.value)}
          aria-describedby={describedBy}
        />
      )}
    </Field>
  );
  return (
    <form onSubmit={submit} noValidate className="test-settings">
      <fieldset disabled={!props.editable}>
        <legend>{t('console.test.settings')}</legend>
        {numberField(t('console.test.passMark'), passMark, setPassMark)}
        {numberField(
          t('console.test.attemptLimit'),
          attemptLimit,
          setAttemptLimit,
          t('console.test.blankUnlimited'),
        )}
        {numberField(t('console.test.timeLimit'), minutes, setMinutes, t('console.test.blankUntimed'))}
        {numberField(t('console.test.perAttempt'), perAttempt, setPerAttempt, t('console.test.blankAll'))}
        <button type="submit" disabled={busy}>
          {t('console.test.saveSettings')}
        </button>
        <p aria-live="polite" className="small">
          {saved ? t('console.test.settingsSaved') : ''}
        </p>
      </fieldset>
      <ProblemAlert error={error} />
    </form>
  );
}

interface OptionDraft {
  /** React's key for the row: options have no id until the server gives them one. */
  key: number;
  text: string;
  correct: boolean;
}

let draftCounter = 0;
const draftKey = () => ++draftCounter;

function AddItemForm(props: { path: string; outcomes: Outcome[]; onAdded(): void }) {
  const { t } = useI18n();
  const [type, setType] = useState<ItemType>('single_choice');
  const [prompt, setPrompt] = useState('');
  const [points, setPoints] = useState('1');
  const [outcome, setOutcome] = useState('');
  const [options, setOptions] = useState<OptionDraft[]>([
    { key: draftKey(), text: '', correct: true },
    { key: draftKey(), text: '', correct: false },
    { key: draftKey(), text: '', correct: false },
  ]);
  const [trueFalse, setTrueFalse] = useState('true');
  const [value, setValue] = useState('');
  const [tolerance, setTolerance] = useState('');
  const [accepted, setAccepted] = useState('');
  const { busy, error, run } = useAction();
  const choice = type === 'single_choice' || type === 'multiple_response';

  const body = () => {
    const base = {
      type,
      prompt: prompt.trim(),
      points: Number(points) || 1,
      ...(outcome ? { learningOutcomeId: outcome } : {}),
    };
    switch (type) {
      case 'single_choice':
      case 'multiple_response':
        return {
          ...base,
          options: options
            .filter((option) => option.text.trim() !== '')
            .map((option) => ({ text: option.text.trim(), correct: option.correct })),
        };
      case 'true_false':
        return { ...base, correctAnswer: trueFalse === 'true' };
      case 'numeric':
        return { ...base, value: Number(value), ...(tolerance ? { tolerance: Number(tolerance) } : {}) };
      case 'short_text':
        return {
          ...base,
          acceptedAnswers: accepted
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean),
        };
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const added = await run(() => api('POST', props.path, body()));
    if (added) {
      setPrompt('');
      setOptions(options.map((option, index) => ({ key: option.key, text: '', correct: index === 0 })));
      setValue('');
      setAccepted('');
      props.onAdded();
    }
  };

  const setOption = (index: number, change: Partial<OptionDraft>) =>
    setOptions((previous) =>
      previous.map((option, position) => {
        if (position === index) return { ...option, ...change };
        // A single-choice item has one correct option: marking one unmarks the others.
        if (change.correct && type === 'single_choice') return { ...option, correct: false };
        return option;
      }),
    );

  return (
    <form onSubmit={submit} noValidate className="add-item">
      <fieldset>
        <legend>{t('console.test.addItem')}</legend>
        <Field label={t('console.test.itemType')}>
          {({ id }) => (
            <select id={id} value={type} onChange={(event) => setType(event.target.value as ItemType)}>
              {ITEM_TYPES.map((value) => (
                <option key={value} value={value}>
                  {t(`console.itemType.${value}` as MessageKey)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('console.test.prompt')}>
          {({ id }) => (
            <textarea id={id} rows={2} value={prompt} onChange={(event) => setPrompt(event.target.value)} />
          )}
        </Field>
        <Field label={t('console.test.points')}>
          {({ id }) => (
            <input
              id={id}
              type="number"
              min={1}
              value={points}
              onChange={(event) => setPoints(event.target.value)}
            />
          )}
        </Field>
        {props.outcomes.length > 0 ? (
          <Field label={t('console.test.outcome')}>
            {({ id }) => (
              <select id={id} value={outcome} onChange={(event) => setOutcome(event.target.value)}>
                <option value="">{t('common.none')}</option>
                {props.outcomes.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {entry.statement.slice(0, 80)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        {choice ? (
          <fieldset className="options">
            <legend>{t('console.test.options')}</legend>
            {options.map((option, index) => (
              <div key={option.key} className="option-row">
                <Field label={t('console.test.option', { n: index + 1 })}>
                  {({ id }) => (
                    <input
                      id={id}
                      value={option.text}
                      onChange={(event) => setOption(index, { text: event.target.value })}
                    />
                  )}
                </Field>
                <div className="checkbox">
                  <input
                    id={`option-correct-${index}`}
                    type="checkbox"
                    checked={option.correct}
                    onChange={(event) => setOption(index, { correct: event.target.checked })}
                  />
                  <label htmlFor={`option-correct-${index}`}>
                    {t('console.test.optionCorrect', { n: index + 1 })}
                  </label>
                </div>
              </div>
            ))}
            <button
              type="button"
              className="secondary"
              onClick={() => setOptions([...options, { key: draftKey(), text: '', correct: false }])}
            >
              {t('console.test.addOption')}
            </button>
          </fieldset>
        ) : null}
        {type === 'true_false' ? (
          <Field label={t('console.test.correctAnswer')}>
            {({ id }) => (
              <select id={id} value={trueFalse} onChange={(event) => setTrueFalse(event.target.value)}>
                <option value="true">{t('console.test.true')}</option>
                <option value="false">{t('console.test.false')}</option>
              </select>
            )}
          </Field>
        ) : null}
        {type === 'numeric' ? (
          <>
            <Field label={t('console.test.value')}>
              {({ id }) => (
                <input
                  id={id}
                  type="number"
                  value={value}
                  onChange={(event) => setValue(event.target.value)}
                />
              )}
            </Field>
            <Field label={t('console.test.tolerance')}>
              {({ id }) => (
                <input
                  id={id}
                  type="number"
                  min={0}
                  value={tolerance}
                  onChange={(event) => setTolerance(event.target.value)}
                />
              )}
            </Field>
          </>
        ) : null}
        {type === 'short_text' ? (
          <Field label={t('console.test.accepted')} hint={t('console.test.acceptedHint')}>
            {({ id, describedBy }) => (
              <textarea
                id={id}
                rows={3}
                value={accepted}
                onChange={(event) => setAccepted(event.target.value)}
                aria-describedby={describedBy}
              />
            )}
          </Field>
        ) : null}
        <button type="submit" disabled={busy}>
          {t('console.test.add')}
        </button>
      </fieldset>
      <ProblemAlert error={error} />
    </form>
  );
}

function submissionSettings(saved: Record<string, unknown>): Record<string, unknown> {
  const { allowedFileExtensions: _derived, ...settings } = saved;
  return settings;
}

/** `<prefix>-<n>` with n one more than the highest in use, so ids stay unique after removals. */
function nextId(prefix: string, used: string[]): string {
  let highest = 0;
  for (const id of used) {
    const match = /-(\d+)$/.exec(id);
    if (id.startsWith(`${prefix}-`) && match) highest = Math.max(highest, Number(match[1]));
  }
  return `${prefix}-${highest + 1}`;
}

function emptyCriterion(existing: RubricCriterion[]): RubricCriterion {
  return {
    id: nextId(
      'criterion',
      existing.map((criterion) => criterion.id),
    ),
    name: '',
    description: null,
    learningOutcomeId: null,
    minimumLevelId: null,
    levels: [
      { id: 'not-yet', name: '', descriptor: '', points: 0 },
      { id: 'competent', name: '', descriptor: '', points: 2 },
    ],
  };
}

function RubricBuilder(props: { slug: string; id: string; outcomes: Outcome[] }) {
  const { t } = useI18n();
  const path = orgApi(props.slug, `/definitions/${props.id}/rubric`);
  const loaded = useLoad<{ rubric: Rubric | null; readiness: { ready: boolean; problems: string[] } | null }>(
    path,
  );
  if (loaded.error && loaded.error.status !== 404) {
    return <LoadFailed error={loaded.error} reload={loaded.reload} title={t('console.rubric.title')} />;
  }
  if (!loaded.data && !loaded.error) return <Loading />;
  return (
    <RubricForm
      path={path}
      outcomes={props.outcomes}
      rubric={loaded.data?.rubric ?? null}
      readiness={loaded.data?.readiness ?? null}
      onSaved={loaded.reload}
    />
  );
}

function RubricForm(props: {
  path: string;
  outcomes: Outcome[];
  rubric: Rubric | null;
  readiness: { ready: boolean; problems: string[] } | null;
  onSaved(): void;
}) {
  const { t } = useI18n();
  const [criteria, setCriteria] = useState<RubricCriterion[]>(props.rubric?.criteria ?? [emptyCriterion([])]);
  const [minimumTotal, setMinimumTotal] = useState(
    props.rubric?.passRule.minimumTotalPoints === null || props.rubric === null
      ? ''
      : String(props.rubric.passRule.minimumTotalPoints),
  );
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const setCriterion = (index: number, change: Partial<RubricCriterion>) =>
    setCriteria(
      criteria.map((criterion, position) => (position === index ? { ...criterion, ...change } : criterion)),
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const body = {
      criteria: criteria.map((criterion) => ({
        id: criterion.id,
        name: criterion.name.trim(),
        ...(criterion.description ? { description: criterion.description } : {}),
        ...(criterion.learningOutcomeId ? { learningOutcomeId: criterion.learningOutcomeId } : {}),
        ...(criterion.minimumLevelId ? { minimumLevelId: criterion.minimumLevelId } : {}),
        levels: criterion.levels.map((level) => ({
          id: level.id,
          name: level.name.trim(),
          descriptor: level.descriptor.trim(),
          points: Math.round(Number(level.points) || 0),
        })),
      })),
      passRule: {
        ...(minimumTotal.trim() === '' ? {} : { minimumTotalPoints: Math.round(Number(minimumTotal)) }),
        ...(props.rubric?.passRule.minimumLevelOnEveryCriterion
          ? { minimumLevelOnEveryCriterion: true }
          : {}),
      },
      // Settings have no controls here: send back what was saved (less the derived extension list).
      ...(props.rubric?.settings ? { settings: submissionSettings(props.rubric.settings) } : {}),
    };
    const answer = await run(() => api('PUT', props.path, body));
    if (answer) {
      setSaved(true);
      props.onSaved();
    }
  };

  return (
    <section aria-labelledby="rubric-title">
      <h2 id="rubric-title">{t('console.rubric.title')}</h2>
      {props.readiness ? (
        <p className={props.readiness.ready ? 'ok' : 'unknown'}>
          {props.readiness.ready ? t('console.rubric.ready') : props.readiness.problems.join(' ')}
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        {criteria.map((criterion, index) => (
          <fieldset key={criterion.id} className="criterion">
            <legend>{t('console.rubric.criterion', { n: index + 1 })}</legend>
            <Field label={t('console.rubric.criterionName', { n: index + 1 })}>
              {({ id }) => (
                <input
                  id={id}
                  value={criterion.name}
                  onChange={(event) => setCriterion(index, { name: event.target.value })}
                />
              )}
            </Field>
            {props.outcomes.length > 0 ? (
              <Field label={t('console.rubric.outcome', { n: index + 1 })}>
                {({ id }) => (
                  <select
                    id={id}
                    value={criterion.learningOutcomeId ?? ''}
                    onChange={(event) =>
                      setCriterion(index, { learningOutcomeId: event.target.value || null })
                    }
                  >
                    <option value="">{t('common.none')}</option>
                    {props.outcomes.map((outcome) => (
                      <option key={outcome.id} value={outcome.id}>
                        {outcome.statement.slice(0, 80)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : null}
            {criterion.levels.map((level, position) => {
              const setLevel = (change: Partial<typeof level>) =>
                setCriterion(index, {
                  levels: criterion.levels.map((entry, at) =>
                    at === position ? { ...entry, ...change } : entry,
                  ),
                });
              const names = { c: index + 1, n: position + 1 };
              return (
                <div key={level.id} className="rubric-level">
                  <Field label={t('console.rubric.levelName', names)}>
                    {({ id }) => (
                      <input
                        id={id}
                        value={level.name}
                        onChange={(event) => setLevel({ name: event.target.value })}
                      />
                    )}
                  </Field>
                  <Field label={t('console.rubric.levelDescriptor', names)}>
                    {({ id }) => (
                      <textarea
                        id={id}
                        rows={2}
                        value={level.descriptor}
                        onChange={(event) => setLevel({ descriptor: event.target.value })}
                      />
                    )}
                  </Field>
                  <Field label={t('console.rubric.levelPoints', names)}>
                    {({ id }) => (
                      <input
                        id={id}
                        type="number"
                        min={0}
                        value={String(level.points)}
                        onChange={(event) => setLevel({ points: Number(event.target.value) })}
                      />
                    )}
                  </Field>
                </div>
              );
            })}
            <button
              type="button"
              className="secondary"
              onClick={() =>
                setCriterion(index, {
                  levels: [
                    ...criterion.levels,
                    {
                      id: nextId(
                        'level',
                        criterion.levels.map((level) => level.id),
                      ),
                      name: '',
                      descriptor: '',
                      points: criterion.levels.length * 2,
                    },
                  ],
                })
              }
            >
              {t('console.rubric.addLevel', { n: index + 1 })}
            </button>{' '}
            <button
              type="button"
              className="secondary"
              onClick={() => setCriteria(criteria.filter((_, position) => position !== index))}
            >
              {t('console.rubric.removeCriterion', { n: index + 1 })}
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() => setCriteria([...criteria, emptyCriterion(criteria)])}
        >
          {t('console.rubric.addCriterion')}
        </button>
        <Field label={t('console.rubric.minimumTotal')}>
          {({ id }) => (
            <input
              id={id}
              type="number"
              min={0}
              value={minimumTotal}
              onChange={(event) => setMinimumTotal(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          {t('console.rubric.save')}
        </button>
        <p aria-live="polite" className="small">
          {saved ? t('console.rubric.saved') : ''}
        </p>
        <ProblemAlert error={error} />
      </form>
    </section>
  );
}
