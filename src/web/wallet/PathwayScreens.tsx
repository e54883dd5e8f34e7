import { type FormEvent, type ReactNode, useState } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { ApiError, api, apiDownload, saveFile } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { ScreenHeading } from './ScreenHeading.tsx';
import { LoadState, ProblemAlert, TextField, useAction, useApiGet } from './shared.tsx';

/**
 * The learner's pathways: the published ones and those followed, following or not, and per pathway the
 * progress — the rule tree with each node met or not, credits and hours against the minimums, the cheapest
 * and the shortest ways to finish, the completion with its credential, and submitting prior learning.
 */

interface RuleNode {
  id: string;
  type: 'component' | 'all' | 'any' | 'n-of';
  title?: string;
  n?: number;
  children?: RuleNode[];
  minCreditPoints?: number;
  minHours?: number;
}

interface PublishedPathway {
  id: string;
  title: string;
  version: number;
  organisation: { slug: string; name: string };
  publishedAt: string | null;
  content: { title: string; description?: string; root: RuleNode };
}

interface NodeProgress {
  id: string;
  type: string;
  satisfied: boolean;
  creditPoints: number;
  hours: number;
  satisfiedChildren?: number;
  requiredChildren?: number;
  levels?: Array<{ framework: string; atLeast: string; components: number; satisfied: boolean }>;
  completedAt?: string;
  reason?: string;
  remaining: { earn?: { title: string | null; after: string[] } };
}

interface Plan {
  components: string[];
  cost: number;
  hours: number;
}

interface Completion {
  status: 'complete' | 'flagged' | 'suspended';
  completedAt: string;
  credentialId: string | null;
}

interface Progress {
  title: string;
  satisfied: boolean;
  creditPoints: number;
  /** The framework the pathway counts credits in (ECTS, CATS…); null when it has none. */
  creditFramework?: string | null;
  hours: number;
  nodes: NodeProgress[];
  cheapest: Plan | null;
  shortest: Plan | null;
  completable: boolean;
  exact: boolean;
  completion: Completion | null;
}

interface SubmittedRecognition {
  componentId: string;
  status: 'pending' | 'active' | 'rejected' | 'revoked';
  submission: { queuedBecause?: string } | null;
}

export function PathwaysScreen() {
  const { t } = useI18n();
  const all = useApiGet<{ pathways: PublishedPathway[] }>('/api/v1/pathways?limit=100');
  const mine = useApiGet<{ pathways: PublishedPathway[] }>('/api/v1/me/pathways');
  const follow = useAction();
  const [announcement, setAnnouncement] = useState('');
  const toggle = async (pathway: PublishedPathway, following: boolean) => {
    const done = await follow.run(() =>
      api(following ? 'DELETE' : 'PUT', `/api/v1/me/pathways/${pathway.id}/subscription`),
    );
    if (done !== undefined) {
      setAnnouncement(
        t(following ? 'pathways.wallet.unfollowed' : 'pathways.wallet.followed', { title: pathway.title }),
      );
      await mine.reload();
    }
  };
  return (
    <>
      <ScreenHeading>{t('pathways.wallet.title')}</ScreenHeading>
      <p className="lead">{t('pathways.wallet.lead')}</p>
      <p role="status">{announcement}</p>
      <ProblemAlert error={follow.error} />
      <h2>{t('pathways.wallet.mine')}</h2>
      <LoadState loaded={mine}>
        {(body) =>
          body.pathways.length === 0 ? (
            <p>{t('pathways.wallet.noneFollowed')}</p>
          ) : (
            <PathwayCards
              pathways={body.pathways}
              following={() => true}
              busy={follow.busy}
              onToggle={toggle}
            />
          )
        }
      </LoadState>
      <h2>{t('pathways.wallet.published')}</h2>
      <LoadState loaded={all}>
        {(body) =>
          body.pathways.length === 0 ? (
            <p>{t('pathways.wallet.nonePublished')}</p>
          ) : (
            <PathwayCards
              pathways={body.pathways}
              following={(id) => mine.data?.pathways.some((pathway) => pathway.id === id) ?? false}
              busy={follow.busy}
              onToggle={toggle}
            />
          )
        }
      </LoadState>
    </>
  );
}

function PathwayCards(props: {
  pathways: PublishedPathway[];
  following(id: string): boolean;
  busy: boolean;
  onToggle(pathway: PublishedPathway, following: boolean): void;
}) {
  const { t } = useI18n();
  return (
    <ul className="cards">
      {props.pathways.map((pathway) => {
        const following = props.following(pathway.id);
        return (
          <li key={pathway.id} className="card">
            <h3 className="card-title">
              <Link href={`/wallet/pathways/${pathway.id}`}>{pathway.title}</Link>
            </h3>
            <p className="small">{t('pathways.wallet.by', { organisation: pathway.organisation.name })}</p>
            {pathway.content.description ? <p>{pathway.content.description}</p> : null}
            <button
              type="button"
              className="secondary"
              disabled={props.busy}
              onClick={() => props.onToggle(pathway, following)}
            >
              {following
                ? t('pathways.wallet.unfollow', { title: pathway.title })
                : t('pathways.wallet.follow', { title: pathway.title })}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function PathwayProgressScreen(props: { id: string }) {
  const { t } = useI18n();
  const pathway = useApiGet<{ pathway: PublishedPathway }>(`/api/v1/pathways/${props.id}`);
  const progress = useApiGet<{ progress: Progress }>(`/api/v1/me/pathways/${props.id}/progress`);
  return (
    <>
      <ScreenHeading>{pathway.data?.pathway.title ?? t('pathways.wallet.progressTitle')}</ScreenHeading>
      <p>
        <Link href="/wallet/pathways">{t('pathways.wallet.back')}</Link>
      </p>
      <LoadState loaded={pathway}>
        {(published) => (
          <LoadState loaded={progress}>
            {(body) => (
              <ProgressBody
                id={props.id}
                pathway={published.pathway}
                progress={body.progress}
                reload={progress.reload}
              />
            )}
          </LoadState>
        )}
      </LoadState>
    </>
  );
}

function ProgressBody(props: {
  id: string;
  pathway: PublishedPathway;
  progress: Progress;
  reload(): Promise<void>;
}) {
  const { t, date, number } = useI18n();
  const { progress, pathway } = props;
  const root = pathway.content.root;
  const byId = new Map(progress.nodes.map((node) => [node.id, node]));
  const nodes = flatten(root);
  const nameOf = (id: string) => {
    const node = nodes.find((entry) => entry.id === id);
    return node?.title ?? byId.get(id)?.remaining.earn?.title ?? id;
  };
  const complete = useAction();
  const record = useAction();
  const [recordSaved, setRecordSaved] = useState<string | null>(null);
  const completion = progress.completion;
  return (
    <>
      <section aria-labelledby="pathway-summary" className="card">
        <h2 id="pathway-summary">{t('pathways.wallet.summary')}</h2>
        <p>
          <strong>
            {completion
              ? t(`pathways.completion.${completion.status}` as MessageKey, {
                  date: date(completion.completedAt),
                })
              : progress.satisfied
                ? t('pathways.wallet.satisfied')
                : t('pathways.wallet.notYet')}
          </strong>
        </p>
        <p>
          {root.minCreditPoints !== undefined
            ? t('pathways.wallet.creditsOf', {
                counted: number(progress.creditPoints),
                required: number(root.minCreditPoints),
              })
            : t('pathways.wallet.credits', { counted: number(progress.creditPoints) })}
          {progress.creditFramework
            ? ` ${t('pathways.wallet.creditFramework', { framework: progress.creditFramework })}`
            : ''}
          {' · '}
          {root.minHours !== undefined
            ? t('pathways.wallet.hoursOf', {
                counted: number(progress.hours),
                required: number(root.minHours),
              })
            : t('pathways.wallet.hours', { counted: number(progress.hours) })}
        </p>
        {completion?.credentialId ? (
          <p>
            <Link href={`/wallet/credentials/${completion.credentialId}`}>
              {t('pathways.wallet.credentialLink')}
            </Link>
          </p>
        ) : null}
        {completion?.status === 'complete' && completion.credentialId ? (
          <>
            <p className="small" id="pathway-record-hint">
              {t('pathways.wallet.recordHint')}
            </p>
            <button
              type="button"
              className="secondary"
              disabled={record.busy}
              aria-describedby="pathway-record-hint"
              onClick={async () => {
                setRecordSaved(null);
                const file = await record.run(() =>
                  apiDownload(
                    'POST',
                    `/api/v1/me/pathways/${props.id}/transcript`,
                    undefined,
                    'pathway-clr.json',
                  ),
                );
                if (!file) return;
                saveFile(file);
                setRecordSaved(file.fileName);
              }}
            >
              {t('pathways.wallet.downloadRecord')}
            </button>
            <ProblemAlert error={record.error} />
            <p role="status" className="small">
              {recordSaved ? t('pathways.wallet.recordSaved', { file: recordSaved }) : ''}
            </p>
          </>
        ) : null}
        {progress.satisfied && !completion ? (
          <>
            <button
              type="button"
              disabled={complete.busy}
              onClick={async () => {
                const done = await complete.run(() =>
                  api('POST', `/api/v1/me/pathways/${props.id}/completion`),
                );
                if (done) await props.reload();
              }}
            >
              {t('pathways.wallet.complete')}
            </button>
            <ProblemAlert error={complete.error} />
          </>
        ) : null}
      </section>

      <h2>{t('pathways.wallet.rules')}</h2>
      <ul className="pathway-tree">
        <NodeItem node={root} progress={byId} />
      </ul>

      {!progress.satisfied ? (
        <>
          <h2>{t('pathways.wallet.left')}</h2>
          {progress.completable ? (
            <div className="cards">
              <PlanCard title={t('pathways.wallet.cheapest')} plan={progress.cheapest} nameOf={nameOf} />
              <PlanCard title={t('pathways.wallet.shortest')} plan={progress.shortest} nameOf={nameOf} />
            </div>
          ) : (
            <p>{t('pathways.wallet.notCompletable')}</p>
          )}
          {!progress.exact ? <p className="small">{t('pathways.wallet.notExact')}</p> : null}
        </>
      ) : null}

      <RecognitionForm
        id={props.id}
        components={nodes.filter((node) => node.type === 'component')}
        preferred={nodes.find((node) => node.type === 'component' && !byId.get(node.id)?.satisfied)?.id}
        nameOf={nameOf}
        onAccepted={props.reload}
      />
    </>
  );
}

function flatten(node: RuleNode): RuleNode[] {
  return [node, ...(node.children ?? []).flatMap(flatten)];
}

function NodeItem(props: { node: RuleNode; progress: Map<string, NodeProgress> }) {
  const { t, date, number } = useI18n();
  const { node } = props;
  const state = props.progress.get(node.id);
  const satisfied = state?.satisfied ?? false;
  const mark = (
    <span className={`pathway-mark ${satisfied ? 'ok' : 'unknown'}`}>
      <span aria-hidden="true">{satisfied ? '✓ ' : '○ '}</span>
      {satisfied ? t('pathways.wallet.met') : t('pathways.wallet.notMet')}
    </span>
  );
  if (node.type === 'component') {
    const name = node.title ?? state?.remaining.earn?.title ?? node.id;
    return (
      <li className="pathway-node">
        {mark} — {name}
        {state?.completedAt ? (
          <span className="small"> · {t('pathways.wallet.earned', { date: date(state.completedAt) })}</span>
        ) : null}
        {!satisfied && state?.reason ? (
          <span className="small"> · {t(`pathways.reason.${state.reason}` as MessageKey)}</span>
        ) : null}
      </li>
    );
  }
  const children = node.children ?? [];
  const rule =
    node.type === 'n-of'
      ? t('pathways.wallet.rule.n-of', { n: node.n ?? 0, total: children.length })
      : t(`pathways.wallet.rule.${node.type}` as MessageKey, { total: children.length });
  const details: string[] = [];
  if (state?.requiredChildren !== undefined) {
    details.push(
      t('pathways.wallet.childrenMet', {
        met: state.satisfiedChildren ?? 0,
        required: state.requiredChildren,
      }),
    );
  }
  if (node.minCreditPoints !== undefined) {
    details.push(
      t('pathways.wallet.creditsOf', {
        counted: number(state?.creditPoints ?? 0),
        required: number(node.minCreditPoints),
      }),
    );
  }
  if (node.minHours !== undefined) {
    details.push(
      t('pathways.wallet.hoursOf', { counted: number(state?.hours ?? 0), required: number(node.minHours) }),
    );
  }
  for (const level of state?.levels ?? []) {
    details.push(
      t(level.satisfied ? 'pathways.wallet.levelMet' : 'pathways.wallet.levelNotMet', {
        framework: level.framework,
        level: level.atLeast,
      }),
    );
  }
  return (
    <li className="pathway-node">
      {mark} — {node.title ? `${node.title}: ` : ''}
      {rule}
      {details.length > 0 ? <span className="small"> ({details.join('; ')})</span> : null}
      {children.length > 0 ? (
        <ul className="pathway-subtree">
          {children.map((child) => (
            <NodeItem key={child.id} node={child} progress={props.progress} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function PlanCard(props: { title: string; plan: Plan | null; nameOf(id: string): string }) {
  const { t, number } = useI18n();
  const { plan } = props;
  return (
    <section className="card">
      <h3 className="card-title">{props.title}</h3>
      {plan ? (
        <>
          <ol>
            {plan.components.map((id) => (
              <li key={id}>{props.nameOf(id)}</li>
            ))}
          </ol>
          <p className="small">
            {t('pathways.wallet.planTotals', { cost: number(plan.cost), hours: number(plan.hours) })}
          </p>
        </>
      ) : (
        <p>{t('pathways.wallet.noPlan')}</p>
      )}
    </section>
  );
}

/** Prior learning for one component: a credential file (JSON or a vc+jwt) or evidence for a reviewer. */
function RecognitionForm(props: {
  id: string;
  components: RuleNode[];
  /** The component offered first: one not counted yet. */
  preferred: string | undefined;
  nameOf(id: string): string;
  onAccepted(): Promise<void>;
}) {
  const { t } = useI18n();
  const [componentId, setComponentId] = useState(props.preferred ?? props.components[0]?.id ?? '');
  const [kind, setKind] = useState<'credential' | 'evidence'>('credential');
  const [file, setFile] = useState<File | null>(null);
  const [narrative, setNarrative] = useState('');
  const [url, setUrl] = useState('');
  const [outcome, setOutcome] = useState<ReactNode>(null);
  const { busy, error, run, setError } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    let body: Record<string, unknown>;
    if (kind === 'credential') {
      if (!file) {
        setError(new Error(t('pathways.rpl.needFile')));
        return;
      }
      const text = (await file.text()).trim();
      let credential: unknown = text;
      try {
        credential = JSON.parse(text);
      } catch {
        // Not JSON: a compact vc+jwt goes as the string it is.
      }
      body = { componentId, credential };
    } else {
      body = { componentId, evidence: { narrative, ...(url.trim() ? { url: url.trim() } : {}) } };
    }
    const answer = await run(() =>
      api<{ recognition: SubmittedRecognition }>(
        'POST',
        `/api/v1/me/pathways/${props.id}/recognitions`,
        body,
      ),
    );
    if (!answer) return;
    const recognition = answer.recognition;
    const name = props.nameOf(recognition.componentId);
    if (recognition.status === 'active') {
      setOutcome(<p className="ok">{t('pathways.rpl.accepted', { component: name })}</p>);
      await props.onAccepted();
    } else {
      setOutcome(
        <p>
          {t('pathways.rpl.queued', { component: name })}
          {recognition.submission?.queuedBecause
            ? ` ${t('pathways.rpl.because', { reason: recognition.submission.queuedBecause })}`
            : ''}
        </p>,
      );
    }
  };
  const refused = error instanceof ApiError && error.status === 422;
  return (
    <section aria-labelledby="rpl-heading">
      <h2 id="rpl-heading">{t('pathways.rpl.title')}</h2>
      <p>{t('pathways.rpl.lead')}</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="rpl-component">{t('pathways.rpl.component')}</label>
          <select
            id="rpl-component"
            value={componentId}
            onChange={(event) => setComponentId(event.target.value)}
          >
            {props.components.map((component) => (
              <option key={component.id} value={component.id}>
                {props.nameOf(component.id)}
              </option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend>{t('pathways.rpl.kind')}</legend>
          <div className="checkbox">
            <input
              id="rpl-kind-credential"
              type="radio"
              name="rpl-kind"
              checked={kind === 'credential'}
              onChange={() => setKind('credential')}
            />
            <label htmlFor="rpl-kind-credential">{t('pathways.rpl.kindCredential')}</label>
          </div>
          <div className="checkbox">
            <input
              id="rpl-kind-evidence"
              type="radio"
              name="rpl-kind"
              checked={kind === 'evidence'}
              onChange={() => setKind('evidence')}
            />
            <label htmlFor="rpl-kind-evidence">{t('pathways.rpl.kindEvidence')}</label>
          </div>
        </fieldset>
        {kind === 'credential' ? (
          <div className="field">
            <label htmlFor="rpl-file">{t('pathways.rpl.file')}</label>
            <input
              id="rpl-file"
              type="file"
              accept=".json,.jwt,.txt,application/json"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
          </div>
        ) : (
          <>
            <TextField
              id="rpl-narrative"
              label={t('pathways.rpl.narrative')}
              value={narrative}
              onChange={setNarrative}
              multiline
              maxLength={10000}
            />
            <TextField id="rpl-url" label={t('pathways.rpl.url')} value={url} onChange={setUrl} type="url" />
          </>
        )}
        {refused ? (
          <div className="error" role="alert">
            <p>
              <strong>{t('pathways.rpl.refused')}</strong>
            </p>
            <p>{error.detail ?? error.title}</p>
          </div>
        ) : (
          <ProblemAlert error={error} />
        )}
        <button type="submit" disabled={busy || componentId === ''}>
          {t('pathways.rpl.submit')}
        </button>
      </form>
      <div role="status">{outcome}</div>
    </section>
  );
}
