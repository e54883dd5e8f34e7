import { type FormEvent, useState } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import {
  Field,
  fieldMessage,
  LoadFailed,
  Loading,
  orgApi,
  ProblemAlert,
  useAction,
  useLoad,
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
  const [status, setStatus] = useState('');
  const { busy, error, run } = useAction();
  const [removing, setRemoving] = useState<string | null>(null);
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
  const remove = async (member: Member) => {
    const answer = await run(() => api('DELETE', orgApi(props.slug, `/members/${member.userId}`)));
    setRemoving(null);
    if (answer === undefined) return;
    setStatus(t('console.members.removed', { name: member.name }));
    props.reload();
  };

  return (
    <section aria-labelledby="members-list">
      <h2 id="members-list">{t('console.members.list')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('console.members.col.name')}</th>
            <th scope="col">{t('console.members.col.email')}</th>
            <th scope="col">{t('console.members.col.role')}</th>
            <th scope="col">{t('console.members.col.joined')}</th>
            {props.manager ? <th scope="col">{t('console.members.col.actions')}</th> : null}
          </tr>
        </thead>
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
                  {removing === member.userId ? (
                    <div className="confirm unknown" role="alert">
                      <p>{t('console.members.removeConfirm', { name: member.name })}</p>
                      <button
                        type="button"
                        className="danger"
                        disabled={busy}
                        onClick={() => void remove(member)}
                      >
                        {t('console.members.removeYes')}
                      </button>{' '}
                      <button type="button" className="secondary" onClick={() => setRemoving(null)}>
                        {t('common.cancel')}
                      </button>
                    </div>
                  ) : (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={t('console.members.remove', { name: member.name })}
                      onClick={() => setRemoving(member.userId)}
                    >
                      {t('console.members.removeShort')}
                    </button>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      <p aria-live="polite" className="small">
        {status}
      </p>
      <ProblemAlert error={error} />
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
        <Field label={t('console.invitations.email')} error={fieldMessage(invite.error, '/email')}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
            />
          )}
        </Field>
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
            <thead>
              <tr>
                <th scope="col">{t('console.members.col.email')}</th>
                <th scope="col">{t('console.members.col.role')}</th>
                <th scope="col">{t('console.invitations.col.status')}</th>
                <th scope="col">{t('console.invitations.col.expires')}</th>
                <th scope="col">{t('console.members.col.actions')}</th>
              </tr>
            </thead>
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
