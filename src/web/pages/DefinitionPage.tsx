import type { ReactNode } from 'react';
import { type MessageKey, useI18n } from '../i18n/index.tsx';
import type { DefinitionPageProps } from './page-data.ts';

const ASSESSMENT_KEYS: Record<string, MessageKey> = {
  test: 'pages.definition.assessment.test',
  practical: 'pages.definition.assessment.practical',
  portfolio: 'pages.definition.assessment.portfolio',
  project: 'pages.definition.assessment.project',
  oral: 'pages.definition.assessment.oral',
  exam: 'pages.definition.assessment.exam',
  external: 'pages.definition.assessment.external',
};
const DELIVERY_KEYS: Record<string, MessageKey> = {
  online: 'pages.definition.delivery.online',
  onsite: 'pages.definition.delivery.onsite',
  blended: 'pages.definition.delivery.blended',
};
const DIFFICULTY_KEYS: Record<string, MessageKey> = {
  introductory: 'pages.definition.difficulty.introductory',
  intermediate: 'pages.definition.difficulty.intermediate',
  advanced: 'pages.definition.difficulty.advanced',
  expert: 'pages.definition.difficulty.expert',
};

/**
 * A definition version's public page at its URI (also the Achievement id inside the credentials earned
 * for it): what it is, its facts, its learning outcomes and why it got its quality score.
 */
export function DefinitionPage(props: DefinitionPageProps) {
  const { t, number } = useI18n();
  const known = (keys: Record<string, MessageKey>, value: string) => (keys[value] ? t(keys[value]) : value);
  const facts: Array<[string, ReactNode]> = [
    [t('pages.definition.provider'), props.provider],
    [t('pages.definition.version'), number(props.version)],
  ];
  if (props.level) {
    const { framework, value } = props.level;
    facts.push([
      t('pages.definition.level'),
      framework === 'difficulty' ? known(DIFFICULTY_KEYS, value) : `${framework} ${value}`,
    ]);
  }
  if (props.hours !== null)
    facts.push([t('pages.definition.workload'), t('pages.definition.hours', { hours: props.hours })]);
  if (props.credit)
    facts.push([t('pages.definition.credit'), `${number(props.credit.value)} ${props.credit.framework}`]);
  if (props.assessment)
    facts.push([t('pages.definition.assessment'), known(ASSESSMENT_KEYS, props.assessment)]);
  if (props.delivery) facts.push([t('pages.definition.delivery'), known(DELIVERY_KEYS, props.delivery)]);
  if (props.languages.length > 0) facts.push([t('pages.definition.languages'), props.languages.join(', ')]);
  if (props.cost) {
    facts.push([
      t('pages.definition.cost'),
      number(props.cost.amount, { style: 'currency', currency: props.cost.currency }),
    ]);
  }
  if (props.validityMonths !== null) {
    facts.push([
      t('pages.definition.validFor'),
      t('pages.definition.months', { months: props.validityMonths }),
    ]);
  }
  facts.push([
    t('pages.definition.quality'),
    t('pages.definition.qualityScore', {
      score: Math.round(props.quality.score),
      band: t(`pages.definition.band.${props.quality.band}`),
    }),
  ]);

  return (
    <>
      <h1>{props.title}</h1>
      {props.retired ? (
        <p className="unknown">
          {t(props.supersededByUrl ? 'pages.definition.superseded' : 'pages.definition.retired')}
          {props.supersededByUrl ? (
            <>
              {' '}
              <a href={props.supersededByUrl}>{t('pages.definition.newerVersion')}</a>
            </>
          ) : null}
        </p>
      ) : null}
      {props.description ? <p className="lead">{props.description}</p> : null}
      <dl className="facts">
        {facts.map(([term, value]) => (
          <Fact key={term} term={term} value={value} />
        ))}
      </dl>
      {props.learningOutcomes.length > 0 ? (
        <>
          <h2>{t('pages.definition.outcomes')}</h2>
          <ul>
            {props.learningOutcomes.map((statement, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: statements may repeat and never move
              <li key={index}>{statement}</li>
            ))}
          </ul>
        </>
      ) : null}
      {props.earn ? (
        <p>
          <a className="button" href={props.earn.url}>
            {t(`pages.definition.earn.${props.earn.kind}`)}
          </a>
        </p>
      ) : null}
      {props.criteria ? (
        <>
          <h2>{t('pages.definition.criteria')}</h2>
          <p>{props.criteria}</p>
        </>
      ) : null}
      {props.quality.reasons.length > 0 ? (
        <>
          <h2>{t('pages.definition.why')}</h2>
          <ul>
            {props.quality.reasons.map((reason, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the reasons never move
              <li key={index}>
                {reason.message} ({reason.points > 0 ? '+' : ''}
                {number(reason.points)})
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="small">
        <a href="?format=json">{t('pages.definition.json')}</a>
      </p>
    </>
  );
}

function Fact(props: { term: string; value: ReactNode }) {
  return (
    <>
      <dt>{props.term}</dt>
      <dd>{props.value}</dd>
    </>
  );
}
