import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { type MessageKey, useI18n } from '../../i18n/index.tsx';
import { api } from '../../lib/api.ts';
import { Link, useRouter } from '../../lib/router.tsx';
import {
  asApiError,
  Field,
  LoadFailed,
  Loading,
  orgApi,
  orgPath,
  ProblemAlert,
  useAction,
  useDebounced,
  useLoad,
} from '../shared.tsx';
import {
  type ComponentNode,
  type ContentProblem,
  CREDIT_FRAMEWORKS,
  type CreditFramework,
  componentsOf,
  emptyContent,
  freshId,
  GROUP_TYPES,
  type GroupNode,
  type GroupType,
  isGroup,
  LEVEL_FRAMEWORKS,
  localProblems,
  type PathwayContent,
  parseAmount,
  problemsByNode,
  type RuleNode,
  removeNode,
  updateNode,
  withOptional,
} from './tree.ts';
import type { CatalogueDefinition, PathwayDetail, ValidateAnswer } from './types.ts';

type Policy = 'flag' | 'suspend';

/**
 * The pathway builder: a new pathway (`id` absent) or the newest version of one. The rule tree is edited in
 * place and checked live (the browser's own blanks first, then `POST …/pathways/validate`); each problem
 * shows next to the node it points at. Saving writes the draft (the next version after a published one).
 */
export function PathwayBuilder(props: { slug: string; id?: string }) {
  const { t } = useI18n();
  // A pathway just created arrives here with `?saved=<version>`, so the screen can say so.
  const savedVersion = Number(useRouter().search.get('saved')) || null;
  const detail = useLoad<{ pathway: PathwayDetail }>(
    props.id ? orgApi(props.slug, `/pathways/${props.id}`) : null,
  );
  const definitions = useLoad<{ definitions: CatalogueDefinition[] }>(
    orgApi(props.slug, '/definitions?status=published&limit=200'),
  );
  const title = props.id ? t('pathways.builder.editTitle') : t('pathways.builder.newTitle');
  const failed = detail.error ?? definitions.error;
  if (failed) {
    return <LoadFailed error={failed} reload={props.id ? detail.reload : definitions.reload} title={title} />;
  }
  if (!definitions.data || (props.id && !detail.data)) return <Loading />;
  return (
    <BuilderForm
      key={props.id ?? 'new'}
      slug={props.slug}
      detail={detail.data?.pathway ?? null}
      definitions={definitions.data.definitions}
      savedVersion={savedVersion}
    />
  );
}

function BuilderForm(props: {
  slug: string;
  detail: PathwayDetail | null;
  definitions: CatalogueDefinition[];
  savedVersion: number | null;
}) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const [detail, setDetail] = useState(props.detail);
  const newest = detail?.versions[0] ?? null;
  const [content, setContent] = useState<PathwayContent>(newest?.content ?? emptyContent());
  const [policy, setPolicy] = useState<Policy>(newest?.onComponentRevoked ?? 'flag');
  const [dirty, setDirty] = useState(false);
  const save = useAction();
  const publish = useAction();
  const [notice, setNotice] = useState<string | null>(
    props.savedVersion ? t('pathways.builder.saved', { version: props.savedVersion }) : null,
  );
  const problems = useLiveProblems(props.slug, content);

  const edit = (next: PathwayContent) => {
    setContent(next);
    setDirty(true);
    setNotice(null);
  };
  const setRoot = (root: RuleNode) => edit({ ...content, root });
  const byNode = useMemo(
    () => problemsByNode(content.root, problems.list ?? []),
    [content.root, problems.list],
  );
  const ownPublished = props.definitions.filter((definition) => definition.source === 'own');
  const published = detail?.versions.find((version) => version.status === 'published') ?? null;
  const canPublish = Boolean(detail && newest?.status === 'draft' && !dirty && problems.list?.length === 0);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { content, onComponentRevoked: policy };
    const saved = await save.run(() =>
      detail
        ? api<{ pathway: PathwayDetail }>('PUT', orgApi(props.slug, `/pathways/${detail.id}/draft`), body)
        : api<{ pathway: PathwayDetail }>('POST', orgApi(props.slug, '/pathways'), body),
    );
    if (!saved) return;
    const version = saved.pathway.versions[0]?.version ?? 1;
    if (!detail) {
      navigate(orgPath(props.slug, `/pathways/${saved.pathway.id}?saved=${version}`), { replace: true });
      return;
    }
    setDirty(false);
    setNotice(t('pathways.builder.saved', { version }));
    setDetail(saved.pathway);
  };

  const doPublish = async () => {
    if (!detail) return;
    const answer = await publish.run(() =>
      api<{ pathway: PathwayDetail }>('POST', orgApi(props.slug, `/pathways/${detail.id}/publish`)),
    );
    if (answer) {
      setDetail(answer.pathway);
      setNotice(t('pathways.builder.published', { version: answer.pathway.versions[0]?.version ?? 1 }));
    }
  };

  const topProblems = byNode.get('') ?? [];
  // Title, target and credit framework problems show at their fields; anything else about the pathway, below.
  const otherProblems = topProblems.filter(
    (problem) =>
      !problem.pointer.startsWith('/title') &&
      !problem.pointer.startsWith('/target') &&
      !problem.pointer.startsWith('/creditFramework'),
  );
  return (
    <>
      <h1>{detail ? t('pathways.builder.editTitle') : t('pathways.builder.newTitle')}</h1>
      <p>
        <Link href={orgPath(props.slug, '/pathways')}>{t('pathways.console.back')}</Link>
      </p>
      {newest ? (
        <p>
          {t('pathways.builder.versionStatus', {
            version: newest.version,
            status: t(`pathways.status.${newest.status}` as MessageKey),
          })}
        </p>
      ) : null}
      {detail ? (
        <ul className="pathway-links">
          <li>
            <Link href={orgPath(props.slug, `/pathways/${detail.id}/learners`)}>
              {t('pathways.cohort.title')}
            </Link>
          </li>
          <li>
            <Link href={orgPath(props.slug, `/pathways/${detail.id}/recognitions`)}>
              {t('pathways.queue.title')}
            </Link>
          </li>
          {published ? (
            <li>
              <a href={`/api/v1/pathways/${encodeURIComponent(detail.id)}/ctdl`}>
                {t('pathways.builder.ctdl')}
              </a>
            </li>
          ) : null}
        </ul>
      ) : null}
      <form onSubmit={submit} noValidate className="pathway-builder">
        <ProblemAlert error={save.error} />
        <Field label={t('pathways.builder.field.title')} error={problemText(t, topProblems, '/title')}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              value={content.title}
              maxLength={500}
              required
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              onChange={(event) => edit({ ...content, title: event.target.value })}
            />
          )}
        </Field>
        <Field label={t('pathways.builder.field.description')}>
          {({ id }) => (
            <textarea
              id={id}
              rows={3}
              maxLength={10000}
              value={content.description ?? ''}
              onChange={(event) =>
                edit(
                  withOptional(
                    content,
                    'description',
                    event.target.value.trim() ? event.target.value : undefined,
                  ),
                )
              }
            />
          )}
        </Field>
        <Field
          label={t('pathways.builder.field.target')}
          hint={t('pathways.builder.field.targetHint')}
          error={problemText(t, topProblems, '/target')}
        >
          {({ id, describedBy, invalid }) => (
            <select
              id={id}
              value={content.target.kind === 'definition' ? content.target.seriesId : ''}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              onChange={(event) =>
                edit({ ...content, target: { kind: 'definition', seriesId: event.target.value } })
              }
            >
              <option value="">{t('pathways.builder.choose')}</option>
              {ownPublished.map((definition) => (
                <option key={definition.seriesId} value={definition.seriesId}>
                  {definition.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={t('pathways.builder.field.creditFramework')}
          hint={t('pathways.builder.field.creditFrameworkHint')}
          error={problemText(t, topProblems, '/creditFramework')}
        >
          {({ id, describedBy, invalid }) => (
            <select
              id={id}
              value={content.creditFramework ?? ''}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              onChange={(event) =>
                edit(
                  withOptional(
                    content,
                    'creditFramework',
                    (event.target.value || undefined) as CreditFramework | undefined,
                  ),
                )
              }
            >
              <option value="">{t('pathways.builder.creditFramework.inferred')}</option>
              {CREDIT_FRAMEWORKS.map((framework) => (
                <option key={framework} value={framework}>
                  {framework}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field checkbox">
          <input
            id="pathway-must-be-valid"
            type="checkbox"
            checked={content.mustBeValidAtCompletion}
            onChange={(event) => edit({ ...content, mustBeValidAtCompletion: event.target.checked })}
          />
          <label htmlFor="pathway-must-be-valid">{t('pathways.builder.field.mustBeValid')}</label>
        </div>
        <Field label={t('pathways.builder.field.policy')}>
          {({ id }) => (
            <select
              id={id}
              value={policy}
              onChange={(event) => {
                setPolicy(event.target.value as Policy);
                setDirty(true);
              }}
            >
              <option value="flag">{t('pathways.builder.policy.flag')}</option>
              <option value="suspend">{t('pathways.builder.policy.suspend')}</option>
            </select>
          )}
        </Field>

        <h2>{t('pathways.builder.rules')}</h2>
        <p className="small">{t('pathways.builder.rulesLead')}</p>
        <NodeEditor
          node={content.root}
          root={content.root}
          setRoot={setRoot}
          definitions={props.definitions}
          problems={byNode}
          pointer="/root"
        />

        <div aria-live="polite" className="pathway-check" data-testid="pathway-check">
          {problems.checking ? (
            <p className="small">{t('pathways.builder.checking')}</p>
          ) : problems.list === null ? null : problems.list.length === 0 ? (
            <p className="ok">{t('pathways.builder.noProblems')}</p>
          ) : (
            <p className="error">{t('pathways.builder.problemCount', { count: problems.list.length })}</p>
          )}
        </div>
        <ProblemAlert error={problems.error} />
        {otherProblems.length > 0 ? <ProblemList problems={otherProblems} /> : null}

        <div className="actions">
          <button type="submit" disabled={save.busy}>
            {t('pathways.builder.save')}
          </button>
          {detail ? (
            <button
              type="button"
              className="secondary"
              disabled={!canPublish || publish.busy}
              onClick={doPublish}
            >
              {t('pathways.builder.publish')}
            </button>
          ) : null}
        </div>
        {detail && !canPublish && newest?.status === 'draft' ? (
          <p className="small">{t('pathways.builder.publishHint')}</p>
        ) : null}
        <ProblemAlert error={publish.error} />
        <div role="status">{notice ? <p className="ok">{notice}</p> : null}</div>
      </form>
    </>
  );
}

/** The problems of the content, checked 500 ms after the last edit. `list` is null before the first answer. */
function useLiveProblems(slug: string, content: PathwayContent) {
  const settled = useDebounced(content, 500);
  const [state, setState] = useState<{
    list: ContentProblem[] | null;
    checking: boolean;
    error: ReturnType<typeof asApiError> | null;
  }>({ list: null, checking: true, error: null });
  useEffect(() => {
    const local = localProblems(settled);
    if (local.length > 0) {
      setState({ list: local, checking: false, error: null });
      return;
    }
    let current = true;
    setState((previous) => ({ ...previous, checking: true }));
    api<ValidateAnswer>('POST', orgApi(slug, '/pathways/validate'), { content: settled }).then(
      (answer) => current && setState({ list: answer.problems, checking: false, error: null }),
      (error: unknown) => {
        if (!current) return;
        const problem = asApiError(error);
        // A 400 from the schema check names its fields: show them on their nodes like the others.
        if (problem.status === 400 && problem.fields.length > 0) {
          const list = problem.fields.map((field) => ({
            code: 'schema',
            pointer: field.pointer ?? '',
            message: field.message,
          }));
          setState({ list, checking: false, error: null });
        } else {
          setState({ list: null, checking: false, error: problem });
        }
      },
    );
    return () => {
      current = false;
    };
  }, [slug, settled]);
  return state;
}

type Translate = ReturnType<typeof useI18n>['t'];

/** A problem's message: the browser's own are translated, the server's shown as they come. */
function messageOf(t: Translate, problem: ContentProblem): string {
  if (problem.message === '') return t(`pathways.problem.${problem.code}` as MessageKey);
  return `${problem.message} (${problem.code})`;
}

function problemText(t: Translate, problems: ContentProblem[], pointer: string): string | undefined {
  const found = problems.filter((problem) => problem.pointer.startsWith(pointer));
  return found.length > 0 ? found.map((problem) => messageOf(t, problem)).join(' ') : undefined;
}

function ProblemList(props: { problems: ContentProblem[]; id?: string }) {
  const { t } = useI18n();
  return (
    <ul className="pathway-problems error" id={props.id}>
      {props.problems.map((problem) => (
        <li key={`${problem.pointer}:${problem.code}:${problem.message}`}>{messageOf(t, problem)}</li>
      ))}
    </ul>
  );
}

interface NodeEditorProps {
  node: RuleNode;
  root: RuleNode;
  setRoot(root: RuleNode): void;
  definitions: CatalogueDefinition[];
  problems: Map<string, ContentProblem[]>;
  pointer: string;
}

function NodeEditor(props: NodeEditorProps) {
  return isGroup(props.node) ? (
    <GroupEditor {...props} group={props.node} />
  ) : (
    <ComponentEditor {...props} component={props.node} />
  );
}

function GroupEditor(props: NodeEditorProps & { group: GroupNode }) {
  const { t } = useI18n();
  const { group, root } = props;
  const problemsId = useId();
  const problems = props.problems.get(props.pointer) ?? [];
  const change = (next: GroupNode) => props.setRoot(updateNode(root, group.id, () => next));
  const level = group.levelConstraints?.[0];
  const name = group.title ?? group.id;
  return (
    <fieldset className="pathway-group" aria-describedby={problems.length > 0 ? problemsId : undefined}>
      <legend>{t('pathways.builder.group', { name })}</legend>
      {problems.length > 0 ? <ProblemList problems={problems} id={problemsId} /> : null}
      <div className="pathway-row">
        <Field label={t('pathways.builder.field.groupType')}>
          {({ id }) => (
            <select
              id={id}
              value={group.type}
              onChange={(event) => {
                const type = event.target.value as GroupType;
                const next = { ...group, type };
                change(type === 'n-of' ? { ...next, n: group.n ?? 1 } : withOptional(next, 'n', undefined));
              }}
            >
              {GROUP_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`pathways.groupType.${type}` as MessageKey)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {group.type === 'n-of' ? (
          <Field label={t('pathways.builder.field.n')}>
            {({ id }) => (
              <input
                id={id}
                type="number"
                min={1}
                max={Math.max(1, group.children.length)}
                className="narrow"
                value={group.n ?? ''}
                onChange={(event) => {
                  const n = parseAmount(event.target.value);
                  change(withOptional(group, 'n', n === undefined ? undefined : Math.trunc(n)));
                }}
              />
            )}
          </Field>
        ) : null}
        <Field label={t('pathways.builder.field.groupTitle')}>
          {({ id }) => (
            <input
              id={id}
              value={group.title ?? ''}
              maxLength={500}
              onChange={(event) =>
                change(
                  withOptional(group, 'title', event.target.value.trim() ? event.target.value : undefined),
                )
              }
            />
          )}
        </Field>
      </div>
      <div className="pathway-row">
        <AmountField
          label={t('pathways.builder.field.minCredits')}
          value={group.minCreditPoints}
          onChange={(value) => change(withOptional(group, 'minCreditPoints', value))}
        />
        <AmountField
          label={t('pathways.builder.field.minHours')}
          value={group.minHours}
          onChange={(value) => change(withOptional(group, 'minHours', value))}
        />
        <Field label={t('pathways.builder.field.levelFramework')}>
          {({ id }) => (
            <select
              id={id}
              value={level?.framework ?? ''}
              onChange={(event) => {
                const framework = event.target.value;
                change(
                  withOptional(
                    group,
                    'levelConstraints',
                    framework ? [{ ...(level ?? { atLeast: '' }), framework }] : undefined,
                  ),
                );
              }}
            >
              <option value="">{t('pathways.builder.noLevel')}</option>
              {LEVEL_FRAMEWORKS.map((framework) => (
                <option key={framework} value={framework}>
                  {framework}
                </option>
              ))}
            </select>
          )}
        </Field>
        {level ? (
          <>
            <Field
              label={t('pathways.builder.field.levelAtLeast')}
              hint={t('pathways.builder.field.levelHint')}
            >
              {({ id, describedBy }) => (
                <input
                  id={id}
                  className="narrow"
                  value={level.atLeast}
                  aria-describedby={describedBy}
                  onChange={(event) =>
                    change({ ...group, levelConstraints: [{ ...level, atLeast: event.target.value }] })
                  }
                />
              )}
            </Field>
            <AmountField
              label={t('pathways.builder.field.levelCredits')}
              value={level.minCreditPoints}
              onChange={(value) =>
                change({ ...group, levelConstraints: [withOptional(level, 'minCreditPoints', value)] })
              }
            />
          </>
        ) : null}
      </div>
      {group.children.length > 0 ? (
        <ol className="pathway-children">
          {group.children.map((child, index) => (
            <li key={child.id}>
              <NodeEditor {...props} node={child} pointer={`${props.pointer}/children/${index}`} />
            </li>
          ))}
        </ol>
      ) : (
        <p className="small">{t('pathways.builder.emptyGroup')}</p>
      )}
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            const added: ComponentNode = { id: freshId(root, 'c'), type: 'component', seriesId: '' };
            change({ ...group, children: [...group.children, added] });
          }}
        >
          {t('pathways.builder.addComponent', { name })}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            const added: GroupNode = { id: freshId(root, 'g'), type: 'all', children: [] };
            change({ ...group, children: [...group.children, added] });
          }}
        >
          {t('pathways.builder.addGroup', { name })}
        </button>
        {group.id !== root.id ? (
          <button type="button" className="danger" onClick={() => props.setRoot(removeNode(root, group.id))}>
            {t('pathways.builder.removeGroup', { name })}
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}

function ComponentEditor(props: NodeEditorProps & { component: ComponentNode }) {
  const { t } = useI18n();
  const { component, root } = props;
  const problemsId = useId();
  const problems = props.problems.get(props.pointer) ?? [];
  const change = (next: ComponentNode) => props.setRoot(updateNode(root, component.id, () => next));
  const others = componentsOf(root).filter((other) => other.id !== component.id);
  const name = component.id;
  return (
    <fieldset className="pathway-component" aria-describedby={problems.length > 0 ? problemsId : undefined}>
      <legend>{t('pathways.builder.component', { name })}</legend>
      {problems.length > 0 ? <ProblemList problems={problems} id={problemsId} /> : null}
      <div className="pathway-row">
        <Field label={t('pathways.builder.field.definition')}>
          {({ id }) => (
            <select
              id={id}
              value={component.seriesId}
              onChange={(event) => {
                const chosen = props.definitions.find(
                  (definition) => definition.seriesId === event.target.value,
                );
                const next = { ...component, seriesId: event.target.value };
                change(
                  chosen
                    ? { ...next, title: chosen.title, source: chosen.source }
                    : withOptional(withOptional(next, 'title', undefined), 'source', undefined),
                );
              }}
            >
              <option value="">{t('pathways.builder.choose')}</option>
              {props.definitions.map((definition) => (
                <option key={definition.seriesId} value={definition.seriesId}>
                  {definition.source === 'external'
                    ? t('pathways.builder.externalOption', { title: definition.title })
                    : definition.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <AmountField
          label={t('pathways.builder.field.credits')}
          value={component.creditPoints}
          onChange={(value) => change(withOptional(component, 'creditPoints', value))}
        />
        <AmountField
          label={t('pathways.builder.field.hours')}
          value={component.hours}
          onChange={(value) => change(withOptional(component, 'hours', value))}
        />
      </div>
      {others.length > 0 ? (
        <fieldset className="pathway-requires">
          <legend>{t('pathways.builder.requires')}</legend>
          {others.map((other) => {
            const checked = component.requires?.includes(other.id) ?? false;
            const id = `requires-${component.id}-${other.id}`;
            return (
              <div key={other.id} className="checkbox">
                <input
                  id={id}
                  type="checkbox"
                  checked={checked}
                  onChange={(event) => {
                    const rest = (component.requires ?? []).filter((required) => required !== other.id);
                    const requires = event.target.checked ? [...rest, other.id] : rest;
                    change(withOptional(component, 'requires', requires.length > 0 ? requires : undefined));
                  }}
                />
                <label htmlFor={id}>{other.title ? `${other.title} (${other.id})` : other.id}</label>
              </div>
            );
          })}
        </fieldset>
      ) : null}
      <button type="button" className="danger" onClick={() => props.setRoot(removeNode(root, component.id))}>
        {t('pathways.builder.removeComponent', { name })}
      </button>
    </fieldset>
  );
}

/** An optional amount: typed as text so a half-typed "2." stays, stored as a number or not at all. */
function AmountField(props: {
  label: string;
  value: number | undefined;
  onChange(value: number | undefined): void;
}) {
  const [text, setText] = useState(props.value === undefined ? '' : String(props.value));
  return (
    <Field label={props.label}>
      {({ id }) => (
        <input
          id={id}
          inputMode="decimal"
          className="narrow"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            props.onChange(parseAmount(event.target.value));
          }}
        />
      )}
    </Field>
  );
}
