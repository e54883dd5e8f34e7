import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { type ApiError, api } from '../lib/api.ts';
import { Link, useRouter } from '../lib/router.tsx';
import { type DefinitionForm, fromContent, nextOutcomeId, toContent } from './definition-form.ts';
import { SkillPicker } from './SkillPicker.tsx';
import {
  asApiError,
  Field,
  LoadFailed,
  Loading,
  orgApi,
  orgPath,
  ProblemAlert,
  StatusTag,
  useAction,
  useDebounced,
  useLoad,
} from './shared.tsx';
import type { DefinitionDetail, DefinitionReports } from './types.ts';

const LEVEL_FRAMEWORKS = ['EQF', 'NQF', 'AQF', 'QF-EHEA', 'difficulty'];
const CREDIT_FRAMEWORKS = ['ECTS', 'ECVET', 'CATS', 'US-credit-hour', 'AQF-credit', 'other'];
const ASSESSMENT_TYPES = ['test', 'practical', 'portfolio', 'project', 'oral', 'exam', 'external'];
const SUPERVISION = [
  'unsupervised-no-id',
  'supervised-no-id',
  'supervised-online-id',
  'supervised-onsite-id',
];
const DELIVERY_MODES = ['online', 'onsite', 'blended'];
/** How long the editor waits after the last keystroke before it saves the draft and re-checks it. */
const AUTOSAVE_DELAY_MS = 1000;

type SaveState = 'idle' | 'saving' | 'saved' | 'failed';

/**
 * The definition editor. Drafts save themselves a second after the user stops typing; each save answers
 * with fresh conformance and quality reports, so the panel beside the form follows the edits live.
 */
export function DefinitionEditor(props: { slug: string; id: string }) {
  const { t } = useI18n();
  const loaded = useLoad<{ definition: DefinitionDetail }>(orgApi(props.slug, `/definitions/${props.id}`));
  if (loaded.error) {
    return <LoadFailed error={loaded.error} reload={loaded.reload} title={t('console.editor.title')} />;
  }
  if (!loaded.data) return <Loading />;
  return <EditorForm key={loaded.data.definition.id} slug={props.slug} initial={loaded.data.definition} />;
}

function EditorForm(props: { slug: string; initial: DefinitionDetail }) {
  const { t, date } = useI18n();
  const { navigate } = useRouter();
  const [definition, setDefinition] = useState(props.initial);
  const [form, setForm] = useState<DefinitionForm>(() => fromContent(props.initial.content));
  const [saveState, setSaveState] = useState<SaveState>('idle');
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const lastSaved = useRef<DefinitionForm>(form);
  const saving = useRef<Promise<unknown>>(Promise.resolve());
  const editable = definition.status === 'draft';
  const path = orgApi(props.slug, `/definitions/${definition.id}`);

  const save = (snapshot: DefinitionForm) => {
    // One save at a time, in order: the last answer is the report of the last edit.
    saving.current = saving.current.then(async () => {
      if (snapshot === lastSaved.current) return;
      setSaveState('saving');
      try {
        const answer = await api<{ definition: DefinitionDetail }>('PUT', path, toContent(snapshot));
        lastSaved.current = snapshot;
        setDefinition(answer.definition);
        setSaveError(null);
        setSaveState('saved');
      } catch (caught) {
        setSaveError(asApiError(caught));
        setSaveState('failed');
      }
    });
    return saving.current;
  };

  const settled = useDebounced(form, AUTOSAVE_DELAY_MS);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled edit starts a save (save reads refs)
  useEffect(() => {
    if (editable && settled !== lastSaved.current) void save(settled);
  }, [settled, editable]);

  const update = <K extends keyof DefinitionForm>(key: K, value: DefinitionForm[K]) =>
    setForm((previous) => ({ ...previous, [key]: value }));

  const lifecycle = useAction();
  const transition = async (action: 'submit' | 'publish' | 'versions') => {
    await save(form);
    const answer = await lifecycle.run(() =>
      api<{ definition: DefinitionDetail }>('POST', `${path}/${action}`),
    );
    if (!answer) return;
    if (action === 'versions') {
      navigate(orgPath(props.slug, `/definitions/${answer.definition.id}`));
      return;
    }
    setDefinition(answer.definition);
  };

  /** Return to draft (with a comment for the author) or retire (with a reason); the problem, or null. */
  const changeStatus = async (
    action: 'return' | 'retire',
    body: { comment: string } | { reason: string },
  ): Promise<ApiError | null> => {
    try {
      const answer = await api<{ definition: DefinitionDetail }>('POST', `${path}/${action}`, body);
      setDefinition(answer.definition);
      return null;
    } catch (caught) {
      return asApiError(caught);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (editable) void save(form);
  };

  const input = (
    key: keyof DefinitionForm,
    label: string,
    options: { type?: string; hint?: string } = {},
  ) => (
    <Field label={label} hint={options.hint}>
      {({ id, describedBy }) => (
        <input
          id={id}
          type={options.type ?? 'text'}
          inputMode={options.type === 'number' ? 'decimal' : undefined}
          value={String(form[key])}
          onChange={(event) => update(key, event.target.value as never)}
          aria-describedby={describedBy}
        />
      )}
    </Field>
  );
  const area = (key: keyof DefinitionForm, label: string, hint?: string) => (
    <Field label={label} hint={hint}>
      {({ id, describedBy }) => (
        <textarea
          id={id}
          rows={3}
          value={String(form[key])}
          onChange={(event) => update(key, event.target.value as never)}
          aria-describedby={describedBy}
        />
      )}
    </Field>
  );
  const select = (key: keyof DefinitionForm, label: string, values: string[], prefix?: string) => (
    <Field label={label}>
      {({ id }) => (
        <select
          id={id}
          value={String(form[key])}
          onChange={(event) => update(key, event.target.value as never)}
        >
          <option value="">{t('console.editor.choose')}</option>
          {values.map((value) => (
            <option key={value} value={value}>
              {prefix ? t(`${prefix}.${value}` as MessageKey) : value}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  const outcomes = form.outcomes;
  const setOutcome = (index: number, change: Partial<(typeof outcomes)[number]>) =>
    update(
      'outcomes',
      outcomes.map((outcome, position) => (position === index ? { ...outcome, ...change } : outcome)),
    );

  return (
    <>
      <h1>{form.title.trim() || definition.title}</h1>
      <p className="small">
        <StatusTag prefix="definition" status={definition.status} />{' '}
        {t('console.editor.versionLine', {
          version: definition.version,
          updated: date(definition.updatedAt, { withTime: true }),
        })}
      </p>
      {definition.reviewComment ? (
        <p className="unknown">{t('console.editor.reviewComment', { comment: definition.reviewComment })}</p>
      ) : null}
      <p>
        <Link href={orgPath(props.slug, `/definitions/${definition.id}/assessment`)}>
          {t('console.editor.assessmentLink')}
        </Link>
      </p>
      {definition.status === 'in_review' ? (
        <ReasonAction
          key="return"
          open={t('console.editor.return')}
          label={t('console.editor.returnComment')}
          confirm={t('console.editor.returnYes')}
          onConfirm={(comment) => changeStatus('return', { comment })}
        />
      ) : null}
      {definition.status === 'published' ? (
        <ReasonAction
          key="retire"
          open={t('console.editor.retire')}
          label={t('console.editor.retireReason')}
          confirm={t('console.editor.retireYes')}
          danger
          onConfirm={(reason) => changeStatus('retire', { reason })}
        />
      ) : null}
      <div className="editor-layout">
        <form onSubmit={onSubmit} noValidate className="definition-form">
          {!editable ? <p className="unknown">{t('console.editor.readOnly')}</p> : null}
          <fieldset disabled={!editable}>
            <legend>{t('console.editor.section.basics')}</legend>
            {input('title', t('console.editor.field.title'))}
            {area('description', t('console.editor.field.description'))}
            {area('criteriaNarrative', t('console.editor.field.criteria'), t('console.editor.hint.criteria'))}
            {input('issuerCountries', t('console.editor.field.countries'), {
              hint: t('console.editor.hint.countries'),
            })}
            {input('awardingBodyName', t('console.editor.field.awardingBody'))}
            {input('awardingBodyUrl', t('console.editor.field.awardingBodyUrl'), { type: 'url' })}
          </fieldset>

          <fieldset disabled={!editable}>
            <legend>{t('console.editor.section.outcomes')}</legend>
            <p className="small">{t('console.editor.hint.outcomes')}</p>
            {outcomes.map((outcome, index) => (
              <div key={outcome.id} className="outcome">
                <Field label={t('console.editor.field.outcome', { n: index + 1 })}>
                  {({ id }) => (
                    <textarea
                      id={id}
                      rows={2}
                      value={outcome.statement}
                      onChange={(event) => setOutcome(index, { statement: event.target.value })}
                    />
                  )}
                </Field>
                <SkillPicker
                  label={t('console.editor.field.outcomeSkills', { n: index + 1 })}
                  selected={outcome.skills}
                  disabled={!editable}
                  onChange={(skills) => setOutcome(index, { skills })}
                />
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    update(
                      'outcomes',
                      outcomes.filter((_, position) => position !== index),
                    )
                  }
                >
                  {t('console.editor.removeOutcome', { n: index + 1 })}
                </button>
              </div>
            ))}
            <button
              type="button"
              className="secondary"
              onClick={() =>
                update('outcomes', [...outcomes, { id: nextOutcomeId(outcomes), statement: '', skills: [] }])
              }
            >
              {t('console.editor.addOutcome')}
            </button>
          </fieldset>

          <fieldset disabled={!editable}>
            <legend>{t('console.editor.section.skills')}</legend>
            <SkillPicker
              label={t('console.editor.field.skills')}
              selected={form.skills}
              disabled={!editable}
              onChange={(skills) => update('skills', skills)}
            />
          </fieldset>

          <fieldset disabled={!editable}>
            <legend>{t('console.editor.section.workload')}</legend>
            {input('hours', t('console.editor.field.hours'), { type: 'number' })}
            {input('creditValue', t('console.editor.field.credits'), { type: 'number' })}
            {select('creditFramework', t('console.editor.field.creditFramework'), CREDIT_FRAMEWORKS)}
            {select('levelFramework', t('console.editor.field.levelFramework'), LEVEL_FRAMEWORKS)}
            {input('levelValue', t('console.editor.field.level'), { hint: t('console.editor.hint.level') })}
            {input('duration', t('console.editor.field.duration'), {
              hint: t('console.editor.hint.duration'),
            })}
            {select(
              'deliveryMode',
              t('console.editor.field.deliveryMode'),
              DELIVERY_MODES,
              'console.deliveryMode',
            )}
            {input('languages', t('console.editor.field.languages'), {
              hint: t('console.editor.hint.languages'),
            })}
          </fieldset>

          <fieldset disabled={!editable}>
            <legend>{t('console.editor.section.assessment')}</legend>
            {select(
              'assessmentType',
              t('console.editor.field.assessmentType'),
              ASSESSMENT_TYPES,
              'console.assessmentType',
            )}
            {select('supervision', t('console.editor.field.supervision'), SUPERVISION, 'console.supervision')}
            {input('gradingScheme', t('console.editor.field.gradingScheme'))}
            {input('passMark', t('console.editor.field.passMark'), { type: 'number' })}
            {area('passCriteria', t('console.editor.field.passCriteria'))}
          </fieldset>

          <fieldset disabled={!editable}>
            <legend>{t('console.editor.section.quality')}</legend>
            {area('qualityStatement', t('console.editor.field.qualityStatement'))}
            <div className="checkbox">
              <input
                id="definition-standalone"
                type="checkbox"
                checked={form.standalone}
                onChange={(event) => update('standalone', event.target.checked)}
              />
              <label htmlFor="definition-standalone">{t('console.editor.field.standalone')}</label>
            </div>
            {input('validityMonths', t('console.editor.field.validity'), {
              type: 'number',
              hint: t('console.editor.hint.validity'),
            })}
            {area('renewal', t('console.editor.field.renewal'))}
            {input('costAmount', t('console.editor.field.cost'), { type: 'number' })}
            {input('costCurrency', t('console.editor.field.currency'))}
          </fieldset>

          <div className="editor-actions">
            {editable ? (
              <>
                <button type="submit" className="secondary" disabled={saveState === 'saving'}>
                  {t('console.editor.saveDraft')}
                </button>{' '}
                <button type="button" disabled={lifecycle.busy} onClick={() => void transition('submit')}>
                  {t('console.editor.submit')}
                </button>
              </>
            ) : null}
            {definition.status === 'in_review' ? (
              <button type="button" disabled={lifecycle.busy} onClick={() => void transition('publish')}>
                {t('console.editor.publish')}
              </button>
            ) : null}
            {definition.status === 'published' || definition.status === 'retired' ? (
              <button
                type="button"
                className="secondary"
                disabled={lifecycle.busy}
                onClick={() => void transition('versions')}
              >
                {t('console.editor.newVersion')}
              </button>
            ) : null}
          </div>
          <ProblemAlert error={lifecycle.error} />
        </form>
        <ReportPanel reports={definition} saveState={saveState} saveError={saveError} editable={editable} />
      </div>
    </>
  );
}

/** The live conformance (EU, NMF, OB 3.0, CTDL) and quality panel; its summary line is announced politely. */
function ReportPanel(props: {
  reports: DefinitionReports;
  saveState: SaveState;
  saveError: ApiError | null;
  editable: boolean;
}) {
  const { t, number } = useI18n();
  const { conformance, qualityReport, assessment } = props.reports;
  const missing = conformance.missing.filter((element) => !element.providedAtIssue);
  const ready = conformance.publishable && assessment.ready;
  const state: Record<SaveState, string> = {
    idle: props.editable ? t('console.panel.autosave') : '',
    saving: t('console.panel.saving'),
    saved: t('console.panel.saved'),
    failed: t('console.panel.notSaved'),
  };
  return (
    <aside className="report-panel" aria-labelledby="report-panel-title">
      <h2 id="report-panel-title">{t('console.panel.title')}</h2>
      <p className="small">{state[props.saveState]}</p>
      <p
        aria-live="polite"
        aria-atomic="true"
        className={ready ? 'ok' : 'unknown'}
        data-testid="panel-summary"
      >
        {t('console.panel.summary', {
          score: number(Math.round(qualityReport.score)),
          band: t(`console.band.${qualityReport.band}` as MessageKey),
          missing: missing.length,
        })}{' '}
        {ready ? t('console.panel.ready') : t('console.panel.notReady')}
      </p>
      <ProblemAlert error={props.saveError} />
      <label htmlFor="quality-meter">{t('console.panel.quality')}</label>
      <meter
        id="quality-meter"
        min={0}
        max={100}
        low={50}
        high={75}
        optimum={100}
        value={qualityReport.score}
      >
        {number(qualityReport.score)}
      </meter>
      <h3>{t('console.panel.missing')}</h3>
      {missing.length === 0 ? (
        <p>{t('console.panel.nothingMissing')}</p>
      ) : (
        <ul className="missing-list">
          {missing.map((element) => (
            <li key={element.id}>
              <strong>
                {element.standard.toUpperCase()} · {element.label}
              </strong>
              {element.message ? <span className="small"> — {element.message}</span> : null}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('console.panel.assessment')}</h3>
      {assessment.ready ? (
        <p>{t('console.panel.assessmentReady')}</p>
      ) : (
        <ul>
          {assessment.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <h3>{t('console.panel.standards')}</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('console.panel.standard')}</th>
            <th scope="col">{t('console.panel.requiredPresent')}</th>
            <th scope="col">{t('console.panel.optionalPresent')}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(conformance.summary).map(([standard, counts]) => (
            <tr key={standard}>
              <th scope="row">{standard.toUpperCase()}</th>
              <td>
                {number(counts.requiredPresent)} / {number(counts.required)}
              </td>
              <td>
                {number(counts.optionalPresent)} / {number(counts.optional)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('console.panel.reasons')}</h3>
      <ReasonList reasons={qualityReport.reasons} />
    </aside>
  );
}

function ReasonList(props: { reasons: DefinitionReports['qualityReport']['reasons'] }): ReactNode {
  const { number } = useI18n();
  if (props.reasons.length === 0) return null;
  return (
    <ul className="reasons">
      {props.reasons.map((reason) => (
        <li key={reason.id} className={`reason-${reason.kind}`}>
          <span className="points">
            {reason.points > 0 ? `+${number(reason.points)}` : number(reason.points)}
          </span>{' '}
          {reason.message}
        </li>
      ))}
    </ul>
  );
}

/**
 * A status change that needs a sentence (returning a definition to draft, retiring it): a button opens an
 * inline section with the text field and the confirming button; Escape or Cancel closes it.
 */
function ReasonAction(props: {
  open: string;
  label: string;
  confirm: string;
  danger?: boolean;
  onConfirm(text: string): Promise<ApiError | null>;
}) {
  const { t } = useI18n();
  const [opened, setOpened] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const problem = await props.onConfirm(text.trim());
    setBusy(false);
    setError(problem);
    if (!problem) setOpened(false);
  };
  if (!opened) {
    return (
      <p>
        <button type="button" className="secondary" onClick={() => setOpened(true)}>
          {props.open}
        </button>
      </p>
    );
  }
  const field = error?.fields[0]?.message;
  return (
    <form
      onSubmit={submit}
      noValidate
      className="confirm unknown"
      aria-label={props.open}
      onKeyDown={(event) => {
        if (event.key === 'Escape') setOpened(false);
      }}
    >
      <Field label={props.label} error={field}>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            rows={3}
            required
            // biome-ignore lint/a11y/noAutofocus: the section opens on request; the field is what comes next
            autoFocus
            value={text}
            onChange={(event) => setText(event.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
          />
        )}
      </Field>
      <button type="submit" className={props.danger ? 'danger' : undefined} disabled={busy}>
        {props.confirm}
      </button>{' '}
      <button type="button" className="secondary" onClick={() => setOpened(false)}>
        {t('common.cancel')}
      </button>
      <ProblemAlert error={error} />
    </form>
  );
}
