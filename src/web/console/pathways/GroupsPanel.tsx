import { type FormEvent, useId, useState } from 'react';
import { type MessageKey, useI18n } from '../../i18n/index.tsx';
import { type ApiError, api } from '../../lib/api.ts';
import {
  ColumnHeads,
  ConfirmBox,
  Field,
  fieldMessage,
  InputField,
  LoadFailed,
  Loading,
  orgApi,
  ProblemAlert,
  useAction,
  useLoad,
} from '../shared.tsx';
import type { OrganisationWithRole } from '../types.ts';

/** The pathway-groups API payloads (src/modules/pathway-groups/pathway-groups.schemas.ts). */
export interface PathwayGroup {
  id: string;
  pathwayId: string;
  name: string;
  description: string | null;
  memberCount: number;
}

type MemberState = 'invited' | 'following' | 'completed' | 'flagged';

interface GroupMemberProgress {
  id: string;
  email: string;
  state: MemberState;
  progress: {
    userId: string;
    name: string;
    creditPoints: number;
    componentsCounted: number;
    components: number;
  } | null;
}

interface GroupProgress {
  group: PathwayGroup;
  members: GroupMemberProgress[];
  totals: {
    members: number;
    invited: number;
    following: number;
    completed: number;
    flagged: number;
    nodes: Array<{ id: string; type: string; title: string | null; satisfied: number }>;
  };
  page: { limit: number; nextCursor: string | null };
}

/** Roles that hold `definitions:manage` (platform admins have no role); the server checks again. */
function managesGroups(role: string | null): boolean {
  return role === null || role === 'owner' || role === 'admin' || role === 'issuer';
}

/** Addresses pasted one per line, or separated by commas, semicolons or spaces. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * The cohort screen's groups: a selector, the chosen group's "who is where" (members who follow the pathway
 * from an account that verified their address show progress; everyone else is invited), adding members by
 * pasting addresses, removing them, deleting the group, and a form for a new group.
 */
export function GroupsPanel(props: { slug: string; pathwayId: string }) {
  const { t } = useI18n();
  const org = useLoad<OrganisationWithRole>(orgApi(props.slug));
  const list = useLoad<{ groups: PathwayGroup[] }>(orgApi(props.slug, `/pathways/${props.pathwayId}/groups`));
  const [selected, setSelected] = useState<string | null>(null);
  const selectId = useId();
  const title = t('pathways.groups.title');
  if (list.error) return <LoadFailed error={list.error} reload={list.reload} title={title} />;
  const groups = list.data?.groups ?? [];
  const current = groups.find((group) => group.id === selected) ?? groups[0] ?? null;
  const manager = managesGroups(org.data?.role ?? 'viewer');
  return (
    <section aria-labelledby="pathway-groups">
      <h2 id="pathway-groups">{title}</h2>
      <p>{t('pathways.groups.lead')}</p>
      {!list.data ? (
        <Loading />
      ) : groups.length === 0 ? (
        <p>{t('pathways.groups.none')}</p>
      ) : (
        <div className="field">
          <label htmlFor={selectId}>{t('pathways.groups.select')}</label>
          <select
            id={selectId}
            value={current?.id ?? ''}
            onChange={(event) => setSelected(event.target.value)}
          >
            {groups.map((group) => (
              <option key={group.id} value={group.id}>
                {t('pathways.groups.option', { name: group.name, count: group.memberCount })}
              </option>
            ))}
          </select>
        </div>
      )}
      {current ? (
        <GroupView
          key={current.id}
          slug={props.slug}
          pathwayId={props.pathwayId}
          group={current}
          manager={manager}
          onChanged={list.reload}
          onDeleted={() => {
            setSelected(null);
            list.reload();
          }}
        />
      ) : null}
      {manager ? (
        <NewGroupForm
          slug={props.slug}
          pathwayId={props.pathwayId}
          onCreated={(group) => {
            setSelected(group.id);
            list.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function GroupView(props: {
  slug: string;
  pathwayId: string;
  group: PathwayGroup;
  manager: boolean;
  onChanged(): void;
  onDeleted(): void;
}) {
  const { t, number } = useI18n();
  const base = orgApi(props.slug, `/pathways/${props.pathwayId}/groups/${props.group.id}`);
  const [cursor, setCursor] = useState<string | null>(null);
  const progress = useLoad<GroupProgress>(
    `${base}/progress${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
  );
  const [status, setStatus] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const { busy, error, run } = useAction();
  const changed = (message: string) => {
    setStatus(message);
    progress.reload();
    props.onChanged();
  };
  const remove = async (member: GroupMemberProgress) => {
    const answer = await run(() => api('DELETE', `${base}/members/${member.id}`));
    if (answer !== undefined) changed(t('pathways.groups.removed', { email: member.email }));
  };
  const deleteGroup = async () => {
    const answer = await run(() => api('DELETE', base));
    if (answer !== undefined) props.onDeleted();
  };
  const heading = t('pathways.groups.whoIsWhere', { name: props.group.name });
  if (progress.error) return <LoadFailed error={progress.error} reload={progress.reload} title={heading} />;
  const data = progress.data;
  return (
    <div className="card">
      <h3>{heading}</h3>
      {props.group.description ? <p>{props.group.description}</p> : null}
      <div role="status">{status ? <p className="ok">{status}</p> : null}</div>
      <ProblemAlert error={error} />
      {!data ? (
        <Loading />
      ) : (
        <>
          <p>
            {t('pathways.groups.totals', {
              count: data.totals.members,
              following: data.totals.following,
              completed: data.totals.completed,
              flagged: data.totals.flagged,
              invited: data.totals.invited,
            })}
          </p>
          {data.members.length === 0 ? (
            <p>{t('pathways.groups.empty')}</p>
          ) : (
            <table>
              <caption className="visually-hidden">{heading}</caption>
              <ColumnHeads
                labels={[
                  t('pathways.groups.col.member'),
                  t('pathways.col.state'),
                  t('pathways.col.components'),
                  t('pathways.col.credits'),
                  props.manager ? t('pathways.groups.col.actions') : null,
                ]}
              />
              <tbody>
                {data.members.map((member) => (
                  <tr key={member.id}>
                    <td>
                      {member.progress ? (
                        <>
                          {member.progress.name}
                          <br />
                        </>
                      ) : null}
                      <span className="small">{member.email}</span>
                    </td>
                    <td>{t(`pathways.groups.state.${member.state}` as MessageKey)}</td>
                    <td>
                      {member.progress
                        ? t('pathways.cohort.counted', {
                            counted: member.progress.componentsCounted,
                            total: member.progress.components,
                          })
                        : '—'}
                    </td>
                    <td>{member.progress ? number(member.progress.creditPoints) : '—'}</td>
                    {props.manager ? (
                      <td>
                        <button
                          type="button"
                          className="secondary"
                          disabled={busy}
                          aria-label={t('pathways.groups.removeOf', { email: member.email })}
                          onClick={() => void remove(member)}
                        >
                          {t('pathways.groups.remove')}
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data.totals.nodes.length > 0 && data.members.length > 0 ? (
            <table>
              <caption>{t('pathways.groups.nodes')}</caption>
              <ColumnHeads labels={[t('pathways.groups.col.rule'), t('pathways.groups.col.met')]} />
              <tbody>
                {data.totals.nodes.map((node) => (
                  <tr key={node.id}>
                    <td>{node.title ?? node.id}</td>
                    <td>{number(node.satisfied)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <div className="actions">
            {cursor ? (
              <button type="button" className="secondary" onClick={() => setCursor(null)}>
                {t('pathways.groups.firstPage')}
              </button>
            ) : null}
            {data.page.nextCursor ? (
              <button type="button" className="secondary" onClick={() => setCursor(data.page.nextCursor)}>
                {t('pathways.groups.nextPage', { count: data.page.limit })}
              </button>
            ) : null}
          </div>
        </>
      )}
      {props.manager ? (
        <>
          <AddMembersForm
            base={base}
            onAdded={(added, skipped) => changed(t('pathways.groups.added', { added, skipped }))}
          />
          {confirmDelete ? (
            <ConfirmBox
              question={t('pathways.groups.deleteConfirm', { name: props.group.name })}
              yes={t('pathways.groups.deleteYes')}
              danger
              busy={busy}
              onYes={() => void deleteGroup()}
              onCancel={() => setConfirmDelete(false)}
            />
          ) : (
            <p>
              <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
                {t('pathways.groups.delete')}
              </button>
            </p>
          )}
        </>
      ) : null}
    </div>
  );
}

/** The malformed addresses of a 422, named by line rather than by JSON pointer. */
function badAddresses(error: ApiError | null, addresses: string[]): Array<{ line: number; address: string }> {
  if (!error) return [];
  return error.fields.flatMap((field) => {
    const index = /^\/emails\/(\d+)$/.exec(field.pointer ?? '')?.[1];
    return index === undefined ? [] : [{ line: Number(index) + 1, address: addresses[Number(index)] ?? '' }];
  });
}

function AddMembersForm(props: { base: string; onAdded(added: number, skipped: number): void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [sent, setSent] = useState<string[]>([]);
  const { busy, error, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const emails = splitAddresses(text);
    setSent(emails);
    if (emails.length === 0) return;
    const answer = await run(() =>
      api<{ added: unknown[]; duplicates: unknown[] }>('POST', `${props.base}/members`, { emails }),
    );
    if (!answer) return;
    setText('');
    props.onAdded(answer.added.length, answer.duplicates.length);
  };
  const bad = badAddresses(error, sent);
  return (
    <form onSubmit={(event) => void submit(event)}>
      <h4>{t('pathways.groups.addTitle')}</h4>
      {bad.length > 0 ? (
        <div role="alert" className="error problem">
          <p>
            <strong>{t('pathways.groups.badAddresses', { count: bad.length })}</strong>
          </p>
          <ul>
            {bad.map((entry) => (
              <li key={entry.line}>{t('pathways.groups.badAddress', entry)}</li>
            ))}
          </ul>
        </div>
      ) : (
        <ProblemAlert error={error} />
      )}
      <Field label={t('pathways.groups.addresses')} hint={t('pathways.groups.addressesHint')}>
        {({ id, describedBy }) => (
          <textarea
            id={id}
            rows={4}
            aria-describedby={describedBy}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy || splitAddresses(text).length === 0}>
          {t('pathways.groups.add')}
        </button>
      </div>
    </form>
  );
}

function NewGroupForm(props: { slug: string; pathwayId: string; onCreated(group: PathwayGroup): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [status, setStatus] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await run(() =>
      api<{ group: PathwayGroup }>('POST', orgApi(props.slug, `/pathways/${props.pathwayId}/groups`), {
        name,
        ...(description.trim() ? { description } : {}),
      }),
    );
    if (!answer) return;
    setName('');
    setDescription('');
    setStatus(t('pathways.groups.created', { name: answer.group.name }));
    props.onCreated(answer.group);
  };
  return (
    <form onSubmit={(event) => void submit(event)}>
      <h3>{t('pathways.groups.newTitle')}</h3>
      <div role="status">{status ? <p className="ok">{status}</p> : null}</div>
      <ProblemAlert error={error} />
      <InputField
        label={t('pathways.groups.name')}
        error={fieldMessage(error, '/name')}
        required
        maxLength={200}
        markInvalid
        value={name}
        onChange={setName}
      />
      <Field label={t('pathways.groups.description')}>
        {({ id }) => (
          <textarea
            id={id}
            rows={2}
            maxLength={2000}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy || name.trim().length === 0}>
          {t('pathways.groups.create')}
        </button>
      </div>
    </form>
  );
}
