import { useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { Link } from '../lib/router.tsx';
import { ScreenHeading } from './ScreenHeading.tsx';
import { LoadState, ProblemAlert, useAction, useApiGet } from './shared.tsx';
import type { HeldCredential, Share } from './types.ts';

interface ListBody {
  credentials: HeldCredential[];
  nextCursor: string | null;
}

function titleOf(credential: HeldCredential): string {
  return credential.achievementName ?? credential.name ?? credential.id;
}

function StatusText(props: { credential: HeldCredential }) {
  const { t, date } = useI18n();
  const { credential } = props;
  if (credential.status === 'revoked')
    return <span className="status revoked">{t('wallet.status.revoked')}</span>;
  if (credential.status === 'suspended')
    return <span className="status suspended">{t('wallet.status.suspended')}</span>;
  if (credential.validUntil && new Date(credential.validUntil).getTime() < Date.now()) {
    return (
      <span className="status expired">
        {t('wallet.status.expired', { date: date(credential.validUntil) })}
      </span>
    );
  }
  return <span className="status active">{t('wallet.status.active')}</span>;
}

export function CredentialListScreen() {
  const { t, date } = useI18n();
  const loaded = useApiGet<ListBody>('/api/v1/me/credentials?limit=50');
  const more = useAction();
  return (
    <>
      <ScreenHeading>{t('wallet.credentials.title')}</ScreenHeading>
      <LoadState loaded={loaded}>
        {(body) =>
          body.credentials.length === 0 ? (
            <div>
              <p>{t('wallet.credentials.empty')}</p>
              <p>
                <Link href="/wallet/claim">{t('wallet.credentials.claimLink')}</Link> ·{' '}
                <Link href="/wallet/import">{t('wallet.credentials.importLink')}</Link>
              </p>
            </div>
          ) : (
            <>
              <p>{t('wallet.credentials.count', { count: body.credentials.length })}</p>
              <p>
                <Link href="/wallet/transcript">{t('wallet.credentials.transcriptLink')}</Link>{' '}
                <span className="small">— {t('wallet.credentials.transcriptHint')}</span>
              </p>
              <ul className="cards">
                {body.credentials.map((credential) => (
                  <li key={credential.id} className="card">
                    <h2 className="card-title">
                      <Link href={`/wallet/credentials/${credential.id}`}>{titleOf(credential)}</Link>
                    </h2>
                    <p className="small">
                      {t('wallet.credentials.issuedBy', {
                        issuer: credential.organisation.name,
                        date: date(credential.issuedAt),
                      })}
                    </p>
                    <p>
                      <StatusText credential={credential} />
                    </p>
                  </li>
                ))}
              </ul>
              {body.nextCursor ? (
                <button
                  type="button"
                  className="secondary"
                  disabled={more.busy}
                  onClick={async () => {
                    const cursor = body.nextCursor ?? '';
                    const next = await more.run(() =>
                      api<ListBody>(
                        'GET',
                        `/api/v1/me/credentials?limit=50&cursor=${encodeURIComponent(cursor)}`,
                      ),
                    );
                    if (next) {
                      loaded.setData({
                        credentials: [...body.credentials, ...next.credentials],
                        nextCursor: next.nextCursor,
                      });
                    }
                  }}
                >
                  {t('wallet.credentials.more')}
                </button>
              ) : null}
              <ProblemAlert error={more.error} />
            </>
          )
        }
      </LoadState>
    </>
  );
}

export function CredentialDetailScreen(props: { id: string }) {
  const { t, date } = useI18n();
  const loaded = useApiGet<{ credential: HeldCredential }>(
    `/api/v1/me/credentials/${encodeURIComponent(props.id)}`,
  );
  return (
    <LoadState loaded={loaded}>
      {({ credential }) => {
        const base = `/api/v1/me/credentials/${credential.id}`;
        return (
          <>
            <ScreenHeading>{titleOf(credential)}</ScreenHeading>
            <dl className="facts">
              <dt>{t('credential.issuedBy')}</dt>
              <dd>{credential.organisation.name}</dd>
              <dt>{t('credential.issued')}</dt>
              <dd>{date(credential.issuedAt)}</dd>
              <dt>{t('credential.validUntil')}</dt>
              <dd>{credential.validUntil ? date(credential.validUntil) : t('credential.noExpiry')}</dd>
              <dt>{t('credential.status')}</dt>
              <dd>
                <StatusText credential={credential} />
              </dd>
            </dl>
            <p>
              <a href={credential.url}>{t('wallet.detail.publicPage')}</a>
            </p>

            <section aria-labelledby="downloads-heading">
              <h2 id="downloads-heading">{t('wallet.detail.downloads')}</h2>
              <ul className="downloads">
                <li>
                  <a href={`${base}/certificate.pdf`} download>
                    {t('wallet.download.pdf')}
                  </a>
                </li>
                <li>
                  <a href={`${base}/badge.png`} download>
                    {t('wallet.download.png')}
                  </a>
                </li>
                <li>
                  <a href={`${base}/badge.svg`} download>
                    {t('wallet.download.svg')}
                  </a>
                </li>
                <li>
                  <a href={`${base}/credential.json`} download>
                    {t('wallet.download.json')}
                  </a>
                </li>
                {credential.format === 'vc+jwt' ? null : (
                  <li>
                    <Link href={`/wallet/transcript?credential=${encodeURIComponent(credential.id)}`}>
                      {t('wallet.download.transcript')}
                    </Link>
                  </li>
                )}
              </ul>
              <p className="small">{t('wallet.download.hint')}</p>
            </section>

            <ShareSection id={credential.id} />
            <HolderNameSection
              credential={credential}
              onChange={(next) => loaded.setData({ credential: next })}
            />
          </>
        );
      }}
    </LoadState>
  );
}

/** Copies `text`; falls back to selecting the field when the clipboard is not available. */
async function copyText(
  text: string,
  field: HTMLInputElement | HTMLTextAreaElement | null,
): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field?.select();
    return document.execCommand?.('copy') ?? false;
  }
}

function ShareSection(props: { id: string }) {
  const { t } = useI18n();
  const loaded = useApiGet<{ share: Share }>(`/api/v1/me/credentials/${props.id}/share`);
  const [copied, setCopied] = useState<string | null>(null);
  const linkField = useRef<HTMLInputElement>(null);
  const embedField = useRef<HTMLTextAreaElement>(null);
  return (
    <section aria-labelledby="share-heading">
      <h2 id="share-heading">{t('wallet.share.title')}</h2>
      <LoadState loaded={loaded}>
        {({ share }) => (
          <>
            <label htmlFor="share-link">{t('wallet.share.link')}</label>
            <div className="copy-row">
              <input id="share-link" ref={linkField} readOnly value={share.publicUrl} />
              <button
                type="button"
                className="secondary"
                onClick={async () =>
                  setCopied((await copyText(share.publicUrl, linkField.current)) ? 'link' : null)
                }
              >
                {t('wallet.share.copyLink')}
              </button>
            </div>
            <p>
              <a href={share.linkedInAddToProfileUrl} target="_blank" rel="noopener noreferrer">
                {t('wallet.share.linkedIn')}
              </a>{' '}
              <span className="small">{t('wallet.share.newWindow')}</span>
            </p>
            <label htmlFor="share-embed">{t('wallet.share.embed')}</label>
            <textarea id="share-embed" ref={embedField} readOnly rows={4} value={share.embedHtml} />
            <button
              type="button"
              className="secondary"
              onClick={async () =>
                setCopied((await copyText(share.embedHtml, embedField.current)) ? 'embed' : null)
              }
            >
              {t('wallet.share.copyEmbed')}
            </button>
            <p aria-live="polite" className="small">
              {copied === 'link'
                ? t('wallet.share.copiedLink')
                : copied === 'embed'
                  ? t('wallet.share.copiedEmbed')
                  : ''}
            </p>
          </>
        )}
      </LoadState>
    </section>
  );
}

function HolderNameSection(props: { credential: HeldCredential; onChange(next: HeldCredential): void }) {
  const { t } = useI18n();
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const { credential } = props;
  return (
    <section aria-labelledby="privacy-heading">
      <h2 id="privacy-heading">{t('wallet.privacy.title')}</h2>
      <div className="checkbox">
        <input
          id="holder-name-public"
          type="checkbox"
          checked={credential.holderNamePublic}
          disabled={action.busy}
          aria-describedby="holder-name-hint"
          onChange={async (event) => {
            setSaved(false);
            const wanted = event.target.checked;
            // Shown at once; put back if the server refuses.
            props.onChange({ ...credential, holderNamePublic: wanted });
            const next = await action.run(() =>
              api<{ credential: HeldCredential }>('PATCH', `/api/v1/me/credentials/${credential.id}`, {
                holderNamePublic: wanted,
              }),
            );
            props.onChange(next ? next.credential : credential);
            if (next) setSaved(true);
          }}
        />
        <label htmlFor="holder-name-public">{t('wallet.privacy.showName')}</label>
      </div>
      <p className="small" id="holder-name-hint">
        {credential.holderName
          ? t('wallet.privacy.hint', { name: credential.holderName })
          : t('wallet.privacy.noName')}
      </p>
      <ProblemAlert error={action.error} />
      <p aria-live="polite" className="small">
        {saved ? (credential.holderNamePublic ? t('wallet.privacy.shown') : t('wallet.privacy.hidden')) : ''}
      </p>
    </section>
  );
}
