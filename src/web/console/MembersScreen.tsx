import { type FormEvent, useState } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import {
  ActionOutcome,
  ColumnHeads,
  Field,
  fieldMessage,
  InputField,
  LoadFailed,
  Loading,
  orgApi,
  ProblemAlert,
  RemovalButton,
  useAction,
  useLoad,
  useRemovalAfterAsking,
} from './shared.tsx';
import type { Invitation, Member, OrganisationWithRole, Role } from './types.ts';

const ROLES: Role[] = ['owner', 'admin', 'issuer', 'assessor', 'viewer'];

/** Owners, admins and platform admins (no role) manage people; the server checks again. */
export function managesPeople(role: string | null): boolean {
  return role === null || role === 'owner' || role === 'admin';
}

/**
 * Members and invitations: everyone with `members:read` sees the list; owners and admins change roles,
 * remove members, invite by e-mail and revoke pending invitations.
 */
export function MembersScreen(props: { slug: string }) {
  const { t } = useI18n();
  const org = useLoad<OrganisationWithRole>(orgApi(props.slug));
  const members = useLoad<{ members: Member[] }>(orgApi(props.slug, '/members'));
  const title = t('console.members.title');
  if (members.error) return <LoadFailed error={members.error} reload={members.reload} title={title} />;
  if (!members.data || !org.data) return <Loading />;
  const manager = managesPeople(org.data.role);
  return (
    <>
      <h1>{title}</h1>
      <MemberTable
        slug={props.slug}
        members={members.data.members}
        manager={manager}
        reload={members.reload}
      />
      {manager ? <Invitations slug={props.slug} /> : null}
    </>
  );
}

function MemberTable(props: { slug: string; members: Member[]; manager: boolean; reload(): void }) {
  const { t, date } = useI18n();
  const removal = useRemovalAfterAsking(props.reload);
  const { busy, error, run, status, setStatus } = removal;
  const [roles, setRoles] = useState<Record<string, Role>>({});

  const saveRole = async (member: Member) => {
    const role = roles[member.userId] ?? member.role;
    const answer = await run(() => api('PATCH', orgApi(props.slug, `/members/${member.userId}`), { role }));
    if (!answer) return;
    setStatus(
      t('console.members.roleChanged', { name: member.name, role: t(`console.role.${role}` as MessageKey) }),
    );
    props.reload();
  };

  return (
    <section aria-labelledby="members-list">
      <h2 id="members-list">{t('console.members.list')}</h2>
      <table>
        <ColumnHeads
          labels={[
            t('console.members.col.name'),
            t('console.members.col.email'),
            t('console.members.col.role'),
            t('console.members.col.joined'),
            props.manager ? t('console.members.col.actions') : null,
          ]}
        />
        <tbody>
          {props.members.map((member) => (
            <tr key={member.userId}>
              <td>{member.name}</td>
              <td>{member.email}</td>
              <td>
                {props.manager ? (
                  <>
                    <select
                      aria-label={t('console.members.roleOf', { name: member.name })}
                      value={roles[member.userId] ?? member.role}
                      onChange={(event) =>
                        setRoles((previous) => ({ ...previous, [member.userId]: event.target.value as Role }))
                      }
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t(`console.role.${role}` as MessageKey)}
                        </option>
                      ))}
                    </select>{' '}
                    <button
                      type="button"
                      className="secondary"
                      disabled={busy || (roles[member.userId] ?? member.role) === member.role}
                      aria-label={t('console.members.saveRoleOf', { name: member.name })}
                      onClick={() => void saveRole(member)}
                    >
                      {t('console.members.saveRole')}
                    </button>
                  </>
                ) : (
                  t(`console.role.${member.role}` as MessageKey)
                )}
              </td>
              <td>{date(member.joinedAt)}</td>
              {props.manager ? (
                <td>
                  <RemovalButton
                    removal={removal}
                    entry={member.userId}
                    path={orgApi(props.slug, `/members/${member.userId}`)}
                    done={t('console.members.removed', { name: member.name })}
                    label={t('console.members.remove', { name: member.name })}
                    short={t('console.members.removeShort')}
                    question={t('console.members.removeConfirm', { name: member.name })}
                    yes={t('console.members.removeYes')}
                  />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      <ActionOutcome status={status} error={error} />
    </section>
  );
}

function Invitations(props: { slug: string }) {
  const { t, date } = useI18n();
  const invitations = useLoad<{ invitations: Invitation[] }>(orgApi(props.slug, '/invitations'));
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('issuer');
  const [status, setStatus] = useState('');
  const invite = useAction();
  const revoke = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setStatus('');
    const answer = await invite.run(() =>
      api('POST', orgApi(props.slug, '/invitations'), { email: email.trim(), role }),
    );
    if (!answer) return;
    setStatus(t('console.invitations.sent', { email: email.trim() }));
    setEmail('');
    invitations.reload();
  };
  const revokeOne = async (invitation: Invitation) => {
    const answer = await revoke.run(() => api('DELETE', orgApi(props.slug, `/invitations/${invitation.id}`)));
    if (answer === undefined) return;
    setStatus(t('console.invitations.revoked', { email: invitation.email }));
    invitations.reload();
  };

  return (
    <section aria-labelledby="members-invitations">
      <h2 id="members-invitations">{t('console.invitations.title')}</h2>
      <form onSubmit={submit} noValidate aria-label={t('console.invitations.form')}>
        <InputField
          label={t('console.invitations.email')}
          error={fieldMessage(invite.error, '/email')}
          type="email"
          required
          markInvalid
          value={email}
          onChange={setEmail}
        />
        <Field label={t('console.invitations.role')} error={fieldMessage(invite.error, '/role')}>
          {({ id, describedBy }) => (
            <select
              id={id}
              value={role}
              onChange={(event) => setRole(event.target.value as Role)}
              aria-describedby={describedBy}
            >
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {t(`console.role.${option}` as MessageKey)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" disabled={invite.busy}>
          {t('console.invitations.send')}
        </button>
        <ProblemAlert error={invite.error} />
      </form>
      <p aria-live="polite" className="small">
        {status}
      </p>
      {invitations.error ? <ProblemAlert error={invitations.error} /> : null}
      {invitations.data ? (
        invitations.data.invitations.length === 0 ? (
          <p>{t('console.invitations.none')}</p>
        ) : (
          <table>
            <caption>{t('console.invitations.caption')}</caption>
            <ColumnHeads
              labels={[
                t('console.members.col.email'),
                t('console.members.col.role'),
                t('console.invitations.col.status'),
                t('console.invitations.col.expires'),
                t('console.members.col.actions'),
              ]}
            />
            <tbody>
              {invitations.data.invitations.map((invitation) => (
                <tr key={invitation.id}>
                  <td>{invitation.email}</td>
                  <td>{t(`console.role.${invitation.role}` as MessageKey)}</td>
                  <td>{t(`console.invitations.status.${invitation.status}` as MessageKey)}</td>
                  <td>{date(invitation.expiresAt, { withTime: true })}</td>
                  <td>
                    {invitation.status === 'pending' ? (
                      <button
                        type="button"
                        className="secondary"
                        disabled={revoke.busy}
                        aria-label={t('console.invitations.revoke', { email: invitation.email })}
                        onClick={() => void revokeOne(invitation)}
                      >
                        {t('console.invitations.revokeShort')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : (
        <Loading />
      )}
      <ProblemAlert error={revoke.error} />
    </section>
  );
}
