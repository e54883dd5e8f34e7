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
import type { ApiTokenInfo } from './types.ts';

interface CreatedToken {
  token: string;
  apiToken: ApiTokenInfo;
}

/** The expiry date picked (a calendar day) as the end of that day in UTC; empty: never. */
export function expiryFromDate(day: string): string | null {
  if (day.trim() === '') return null;
  const parsed = new Date(`${day}T23:59:59.000Z`);
  return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
}

/**
 * API tokens of the organisation (owners and admins): create one with scopes and an optional expiry (the
 * secret is shown once, with a copy button), list them and revoke.
 */
export function TokensScreen(props: { slug: string }) {
  const { t } = useI18n();
  const tokens = useLoad<{ tokens: ApiTokenInfo[] }>(orgApi(props.slug, '/tokens'));
  const scopes = useLoad<{ scopes: Array<{ name: string; description: string }> }>('/api/v1/token-scopes');
  const title = t('console.tokens.title');
  if (tokens.error) return <LoadFailed error={tokens.error} reload={tokens.reload} title={title} />;
  if (!tokens.data || !scopes.data) return <Loading />;
  return (
    <>
      <h1>{title}</h1>
      <p className="lead">{t('console.tokens.lead')}</p>
      <CreateToken slug={props.slug} scopes={scopes.data.scopes} onCreated={tokens.reload} />
      <TokenList slug={props.slug} tokens={tokens.data.tokens} reload={tokens.reload} />
    </>
  );
}

function CreateToken(props: {
  slug: string;
  scopes: Array<{ name: string; description: string }>;
  onCreated(): void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [expiry, setExpiry] = useState('');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [copied, setCopied] = useState(false);
  const { busy, error, run } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setCopied(false);
    const answer = await run(() =>
      api<CreatedToken>('POST', orgApi(props.slug, '/tokens'), {
        name: name.trim(),
        scopes: chosen,
        expiresAt: expiryFromDate(expiry),
      }),
    );
    if (!answer) return;
    setCreated(answer);
    setName('');
    setChosen([]);
    setExpiry('');
    props.onCreated();
  };
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied(true);
    } catch {
      // Without clipboard permission the field stays selectable for a manual copy.
      setCopied(false);
    }
  };
  const toggle = (scope: string, on: boolean) =>
    setChosen((previous) => (on ? [...previous, scope] : previous.filter((entry) => entry !== scope)));
  const scopesError = fieldMessage(error, '/scopes');

  return (
    <section aria-labelledby="tokens-create">
      <h2 id="tokens-create">{t('console.tokens.create')}</h2>
      {created ? (
        <div className="card ok" role="status">
          <p>
            <strong>{t('console.tokens.createdTitle', { name: created.apiToken.name })}</strong>
          </p>
          <p>{t('console.tokens.showOnce')}</p>
          <Field label={t('console.tokens.secret')}>
            {({ id }) => (
              <input
                id={id}
                readOnly
                value={created.token}
                className="token-secret"
                onFocus={(event) => event.target.select()}
              />
            )}
          </Field>
          <button type="button" onClick={() => void copy()}>
            {t('console.tokens.copy')}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setCreated(null)}>
            {t('console.tokens.done')}
          </button>
          <p aria-live="polite" className="small">
            {copied ? t('common.copied') : ''}
          </p>
        </div>
      ) : null}
      <form onSubmit={submit} noValidate aria-labelledby="tokens-create">
        <InputField
          label={t('console.tokens.name')}
          error={fieldMessage(error, '/name')}
          required
          maxLength={100}
          markInvalid
          value={name}
          onChange={setName}
        />
        <fieldset aria-describedby={scopesError ? 'token-scopes-error' : undefined}>
          <legend>{t('console.tokens.scopes')}</legend>
          {props.scopes.map((scope) => (
            <div className="checkbox" key={scope.name}>
              <input
                id={`token-scope-${scope.name}`}
                type="checkbox"
                checked={chosen.includes(scope.name)}
                onChange={(event) => toggle(scope.name, event.target.checked)}
                aria-describedby={`token-scope-${scope.name}-hint`}
              />
              <label htmlFor={`token-scope-${scope.name}`}>
                <code>{scope.name}</code>
              </label>{' '}
              <span className="small" id={`token-scope-${scope.name}-hint`}>
                {t(`console.scope.${scope.name}` as MessageKey)}
              </span>
            </div>
          ))}
          {scopesError ? (
            <p className="field-error" id="token-scopes-error">
              {scopesError}
            </p>
          ) : null}
        </fieldset>
        <InputField
          label={t('console.tokens.expires')}
          hint={t('console.tokens.expiresHint')}
          error={fieldMessage(error, '/expiresAt')}
          type="date"
          value={expiry}
          onChange={setExpiry}
        />
        <button type="submit" disabled={busy}>
          {t('console.tokens.submit')}
        </button>
        <ProblemAlert error={error} />
      </form>
    </section>
  );
}

function TokenList(props: { slug: string; tokens: ApiTokenInfo[]; reload(): void }) {
  const { t, date } = useI18n();
  const removal = useRemovalAfterAsking(props.reload);
  return (
    <section aria-labelledby="tokens-list">
      <h2 id="tokens-list">{t('console.tokens.list')}</h2>
      {props.tokens.length === 0 ? (
        <p>{t('console.tokens.none')}</p>
      ) : (
        <table>
          <ColumnHeads
            labels={[
              t('console.tokens.col.name'),
              t('console.tokens.col.prefix'),
              t('console.tokens.col.scopes'),
              t('console.tokens.col.status'),
              t('console.tokens.col.expires'),
              t('console.tokens.col.lastUsed'),
              t('console.members.col.actions'),
            ]}
          />
          <tbody>
            {props.tokens.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>
                  <code>{token.prefix}</code>
                </td>
                <td>{token.scopes.join(', ')}</td>
                <td>{t(`console.tokens.status.${token.status}` as MessageKey)}</td>
                <td>{token.expiresAt ? date(token.expiresAt) : t('console.tokens.never')}</td>
                <td>{token.lastUsedAt ? date(token.lastUsedAt, { withTime: true }) : '—'}</td>
                <td>
                  {token.status === 'active' ? (
                    <RemovalButton
                      removal={removal}
                      entry={token.id}
                      path={orgApi(props.slug, `/tokens/${token.id}`)}
                      done={t('console.tokens.revoked', { name: token.name })}
                      label={t('console.tokens.revoke', { name: token.name })}
                      short={t('console.tokens.revokeShort')}
                      question={t('console.tokens.revokeConfirm', { name: token.name })}
                      yes={t('console.tokens.revokeYes')}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionOutcome status={removal.status} error={removal.error} />
    </section>
  );
}
