import { type FormEvent, useEffect, useState } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import { api } from '../lib/api.ts';
import { Link, useRouter } from '../lib/router.tsx';
import { ScreenHeading } from './ScreenHeading.tsx';
import { fieldErrors, LoadState, ProblemAlert, TextField, useAction, useApiGet } from './shared.tsx';
import type {
  CoverageReason,
  Gap,
  GapTarget,
  LearningPath,
  ProfileSkill,
  TargetRoleProfile,
} from './types.ts';

/**
 * My skills (verified, from expired credentials, declared), a gap against a role profile, an occupation or
 * a job text, and the recommended learning path. The target lives in the address (`?occupation=…`), so a
 * gap or a path can be reloaded and shared like the server pages it replaces (/me/skills, /me/path).
 */
const TARGET_KEYS = ['roleProfile', 'occupation', 'text'] as const;
const PATH_KEYS = ['objective', 'maxCost', 'currency', 'maxHours', 'minQuality'] as const;

function targetOf(search: URLSearchParams): GapTarget | null {
  const roleProfile = search.get('roleProfile')?.trim();
  if (roleProfile) return { kind: 'role-profile', id: roleProfile };
  const occupation = search.get('occupation')?.trim();
  if (occupation) return { kind: 'occupation', uri: occupation };
  const text = search.get('text')?.trim();
  if (text) return { kind: 'text', text };
  return null;
}

function queryOf(values: Record<string, string>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value.trim() !== '') query.set(key, value);
  return query.toString();
}

function useFormValues(keys: readonly string[]) {
  const { search } = useRouter();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(keys.map((key) => [key, search.get(key) ?? ''])),
  );
  return { values, set: (key: string, value: string) => setValues({ ...values, [key]: value }) };
}

function TargetFields(props: { values: Record<string, string>; set(key: string, value: string): void }) {
  const { t } = useI18n();
  const roleProfiles = useApiGet<{ roleProfiles: TargetRoleProfile[] }>('/api/v1/me/target-role-profiles');
  const profiles = roleProfiles.data?.roleProfiles ?? [];
  return (
    <>
      {profiles.length > 0 ? (
        <>
          <label htmlFor="roleProfile">{t('wallet.skills.roleProfile')}</label>
          <select
            id="roleProfile"
            value={props.values.roleProfile}
            onChange={(event) => props.set('roleProfile', event.target.value)}
          >
            <option value="">{t('wallet.skills.roleProfileNone')}</option>
            {profiles.map((profile) => (
              <option key={profile.id} value={profile.id}>
                {profile.name}
                {profile.mine ? ` ${t('wallet.skills.mine')}` : ''}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <TextField
        id="occupation"
        label={t('wallet.skills.occupation')}
        type="url"
        value={props.values.occupation ?? ''}
        onChange={(value) => props.set('occupation', value)}
      />
      <TextField
        id="text"
        label={t('wallet.skills.text')}
        multiline
        value={props.values.text ?? ''}
        onChange={(value) => props.set('text', value)}
      />
    </>
  );
}

const STATUS_KEY = {
  verified: 'wallet.skills.status.verified',
  expired: 'wallet.skills.status.expired',
  declared: 'wallet.skills.status.declared',
} as const;

function SkillList(props: {
  skills: ProfileSkill[];
  status: ProfileSkill['status'];
  onRemove?(uri: string): void;
}) {
  const { t } = useI18n();
  const items = props.skills.filter((skill) => skill.status === props.status);
  if (items.length === 0) return <p className="small">{t('wallet.skills.noneYet')}</p>;
  return (
    <ul>
      {items.map((skill) => (
        <li key={skill.uri}>
          <strong>{skill.label}</strong>{' '}
          <span className="small">
            ({t(STATUS_KEY[skill.status])}) —{' '}
            {skill.sources
              .map((source) =>
                source.kind === 'declared'
                  ? t('wallet.skills.declaredByYou')
                  : `${source.title} (${source.issuer}${source.state === 'expired' ? `, ${t('wallet.skills.expiredShort')}` : ''})`,
              )
              .join('; ')}
          </span>
          {props.onRemove ? (
            <>
              {' '}
              <button
                type="button"
                className="secondary"
                aria-label={t('wallet.skills.removeDeclared', { label: skill.label })}
                onClick={() => props.onRemove?.(skill.uri)}
              >
                {t('wallet.portfolio.remove')}
              </button>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function SkillsScreen() {
  const { t } = useI18n();
  const { search, navigate } = useRouter();
  const profile = useApiGet<{ profile: { skills: ProfileSkill[] } }>('/api/v1/me/skills');
  const form = useFormValues(TARGET_KEYS);
  const [skillUri, setSkillUri] = useState('');
  const declare = useAction();
  const declareErrors = fieldErrors(declare.error);
  const target = targetOf(search);
  const targetKey = target ? JSON.stringify(target) : null;

  return (
    <>
      <ScreenHeading>{t('wallet.skills.title')}</ScreenHeading>
      <LoadState loaded={profile}>
        {({ profile: { skills } }) => (
          <>
            <h2>{t('wallet.skills.verified')}</h2>
            <SkillList skills={skills} status="verified" />
            <h2>{t('wallet.skills.expired')}</h2>
            <SkillList skills={skills} status="expired" />
            <h2>{t('wallet.skills.declared')}</h2>
            <SkillList
              skills={skills}
              status="declared"
              onRemove={async (uri) => {
                const done = await declare.run(() =>
                  api('DELETE', `/api/v1/me/skills/declared?uri=${encodeURIComponent(uri)}`),
                );
                if (done !== undefined) await profile.reload();
              }}
            />
          </>
        )}
      </LoadState>
      <form
        noValidate
        onSubmit={async (event: FormEvent) => {
          event.preventDefault();
          const done = await declare.run(() =>
            api('POST', '/api/v1/me/skills/declared', { skillUri: skillUri.trim() }),
          );
          if (done !== undefined) {
            setSkillUri('');
            await profile.reload();
          }
        }}
      >
        <ProblemAlert error={declare.error} />
        <TextField
          id="skillUri"
          label={t('wallet.skills.declareLabel')}
          hint={t('wallet.skills.declareHint')}
          type="url"
          value={skillUri}
          onChange={setSkillUri}
          error={declareErrors.skillUri}
        />
        <button type="submit" className="secondary" disabled={declare.busy}>
          {t('wallet.skills.declare')}
        </button>
      </form>

      <h2>{t('wallet.skills.gapTitle')}</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          navigate(`/wallet/skills?${queryOf(form.values)}`);
        }}
      >
        <TargetFields values={form.values} set={form.set} />
        <button type="submit">{t('wallet.skills.analyse')}</button>
      </form>
      {targetKey ? <GapResult key={targetKey} target={target!} search={search} /> : null}
    </>
  );
}

function GapResult(props: { target: GapTarget; search: URLSearchParams }) {
  const { t } = useI18n();
  const [gap, setGap] = useState<Gap | null>(null);
  const action = useAction();
  const { run } = action;
  const { target } = props;
  // The component is keyed by its target, so this runs once per target.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the target
  useEffect(() => {
    void run(async () => setGap((await api<{ gap: Gap }>('POST', '/api/v1/me/gap', { target })).gap));
  }, []);
  const pathQuery = queryOf(Object.fromEntries(TARGET_KEYS.map((key) => [key, props.search.get(key) ?? ''])));
  return (
    <div aria-live="polite">
      <ProblemAlert error={action.error} />
      {action.busy ? <p className="small">{t('common.loading')}</p> : null}
      {gap ? (
        <>
          <GapSection gap={gap} />
          <p>
            <Link href={`/wallet/path?${pathQuery}`}>{t('wallet.skills.pathLink')}</Link>
          </p>
        </>
      ) : null}
    </div>
  );
}

function reasonText(
  reason: CoverageReason,
  t: (key: MessageKey, params?: Record<string, string>) => string,
): string {
  switch (reason.kind) {
    case 'verified':
      return t('wallet.gap.reason.verified', { titles: reason.credentials.map((c) => c.title).join(', ') });
    case 'expired':
      return t('wallet.gap.reason.expired', { titles: reason.credentials.map((c) => c.title).join(', ') });
    case 'declared':
      return t('wallet.gap.reason.declared');
    default:
      return t('wallet.gap.reason.related', {
        label: reason.relatedLabel,
        relation: t(`wallet.gap.relation.${reason.relation}`),
      });
  }
}

const COVERAGE_KEY = {
  missing: 'wallet.gap.missing',
  partly: 'wallet.gap.partly',
  covered: 'wallet.gap.covered',
} as const;

function GapSection(props: { gap: Gap }) {
  const { t, number } = useI18n();
  const { gap } = props;
  return (
    <section aria-labelledby="gap-heading">
      <h2 id="gap-heading">{t('wallet.gap.title', { label: gap.target.label })}</h2>
      <p>
        {t('wallet.gap.coverage', { percent: number(gap.coveragePercent, { maximumFractionDigits: 1 }) })}
      </p>
      {(['missing', 'partly', 'covered'] as const).map((coverage) => {
        const skills = gap.skills.filter((skill) => skill.coverage === coverage);
        if (skills.length === 0) return null;
        return (
          <div key={coverage}>
            <h3>{t(COVERAGE_KEY[coverage], { count: skills.length })}</h3>
            <ul>
              {skills.map((skill) => (
                <li key={skill.uri}>
                  <strong>{skill.label}</strong>{' '}
                  <span className="small">
                    ({t(skill.importance === 'essential' ? 'wallet.gap.essential' : 'wallet.gap.optional')}
                    {skill.reasons.length > 0
                      ? `; ${skill.reasons.map((reason) => reasonText(reason, t)).join('; ')}`
                      : ''}
                    )
                  </span>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}

function numberOrProblem(value: string | undefined): number | undefined | 'bad' {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value.replace(',', '.'));
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : 'bad';
}

export function PathScreen() {
  const { t } = useI18n();
  const { search, navigate } = useRouter();
  const form = useFormValues([...TARGET_KEYS, ...PATH_KEYS]);
  const target = targetOf(search);
  const objective = form.values.objective || 'cost';
  return (
    <>
      <ScreenHeading>{t('wallet.path.title')}</ScreenHeading>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          navigate(`/wallet/path?${queryOf({ ...form.values, objective })}`);
        }}
      >
        <TargetFields values={form.values} set={form.set} />
        <label htmlFor="objective">{t('wallet.path.objective')}</label>
        <select
          id="objective"
          value={objective}
          onChange={(event) => form.set('objective', event.target.value)}
        >
          <option value="cost">{t('wallet.path.objective.cost')}</option>
          <option value="hours">{t('wallet.path.objective.hours')}</option>
          <option value="count">{t('wallet.path.objective.count')}</option>
        </select>
        <TextField
          id="maxCost"
          label={t('wallet.path.maxCost')}
          inputMode="decimal"
          value={form.values.maxCost ?? ''}
          onChange={(v) => form.set('maxCost', v)}
        />
        <TextField
          id="currency"
          label={t('wallet.path.currency')}
          maxLength={3}
          value={form.values.currency ?? ''}
          onChange={(v) => form.set('currency', v)}
        />
        <TextField
          id="maxHours"
          label={t('wallet.path.maxHours')}
          inputMode="decimal"
          value={form.values.maxHours ?? ''}
          onChange={(v) => form.set('maxHours', v)}
        />
        <TextField
          id="minQuality"
          label={t('wallet.path.minQuality')}
          inputMode="numeric"
          value={form.values.minQuality ?? ''}
          onChange={(v) => form.set('minQuality', v)}
        />
        <button type="submit">{t('wallet.path.submit')}</button>
      </form>
      {target ? (
        <PathResult key={search.toString()} target={target} search={search} />
      ) : (
        <p className="small">{t('wallet.path.begin')}</p>
      )}
    </>
  );
}

function PathResult(props: { target: GapTarget; search: URLSearchParams }) {
  const { t } = useI18n();
  const [result, setResult] = useState<{ gap: Gap; path: LearningPath } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction();
  const { run } = action;
  const { target, search } = props;
  // The component is keyed by the query, so this runs once per query.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the query
  useEffect(() => {
    const numbers = Object.fromEntries(
      (['maxCost', 'maxHours', 'minQuality'] as const).map((key) => [
        key,
        numberOrProblem(search.get(key) ?? undefined),
      ]),
    );
    const bad = Object.entries(numbers).find(([, value]) => value === 'bad');
    if (bad) {
      setProblem(t('wallet.path.badNumber', { name: bad[0] }));
      return;
    }
    const currency = search.get('currency')?.trim().toUpperCase();
    const budget = {
      ...(numbers.maxCost !== undefined ? { maxCost: numbers.maxCost } : {}),
      ...(currency ? { currency } : {}),
      ...(numbers.maxHours !== undefined ? { maxHours: numbers.maxHours } : {}),
    };
    void run(async () =>
      setResult(
        await api('POST', '/api/v1/me/path', {
          target,
          objective: search.get('objective') || 'cost',
          ...(numbers.minQuality !== undefined ? { filters: { minQuality: numbers.minQuality } } : {}),
          budget,
        }),
      ),
    );
  }, []);
  return (
    <div aria-live="polite">
      {problem ? (
        <div className="error" role="alert">
          <p>{problem}</p>
        </div>
      ) : null}
      <ProblemAlert error={action.error} />
      {action.busy ? <p className="small">{t('common.loading')}</p> : null}
      {result ? (
        <>
          <GapSection gap={result.gap} />
          <PathSection path={result.path} />
        </>
      ) : null}
    </div>
  );
}

const PATH_STATUS_KEY = {
  complete: 'wallet.path.status.complete',
  partial: 'wallet.path.status.partial',
  'nothing-to-do': 'wallet.path.status.nothing',
} as const;

function PathSection(props: { path: LearningPath }) {
  const { t, number } = useI18n();
  const { path } = props;
  const money = (amount: number, currency: string | null) =>
    currency ? number(amount, { style: 'currency', currency }) : number(amount);
  return (
    <section aria-labelledby="path-heading">
      <h2 id="path-heading">{t('wallet.path.recommended')}</h2>
      <p>{t(PATH_STATUS_KEY[path.status])}</p>
      {path.steps.length > 0 ? (
        <ol className="steps">
          {path.steps.map((step) => (
            <li key={step.definitionId}>
              <strong>
                <a href={step.url}>{step.title}</a>
              </strong>{' '}
              — {step.providerName}
              <br />
              <span className="small">
                {step.cost !== null ? `${money(step.cost, step.currency)}, ` : ''}
                {step.hours !== null
                  ? t('wallet.path.hours', { count: step.hours })
                  : t('wallet.path.noHours')}
              </span>
              <br />
              {step.reason}
            </li>
          ))}
        </ol>
      ) : null}
      <dl className="facts">
        <dt>{t('wallet.path.totalCount')}</dt>
        <dd>{number(path.totals.count)}</dd>
        <dt>{t('wallet.path.totalCost')}</dt>
        <dd>{money(path.totals.cost, path.totals.currency)}</dd>
        <dt>{t('wallet.path.totalHours')}</dt>
        <dd>{number(path.totals.hours)}</dd>
        <dt>{t('wallet.path.solver')}</dt>
        <dd>
          {path.solver.method}
          {path.solver.optimal ? `, ${t('wallet.path.optimal')}` : ''}
          {path.solver.timedOut ? `, ${t('wallet.path.timedOut')}` : ''}
        </dd>
      </dl>
      {path.uncovered.length > 0 ? (
        <>
          <h3>{t('wallet.path.uncovered')}</h3>
          <ul>
            {path.uncovered.map((skill) => (
              <li key={skill.uri}>
                {skill.label} <span className="small">({t(`wallet.path.uncovered.${skill.reason}`)})</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
