import { type FormEvent, useId, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { Field, LoadFailed, Loading, orgApi, useLoad } from './shared.tsx';
import type { Analytics } from './types.ts';

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { left: 40, right: 10, top: 10, bottom: 30 };

/**
 * Analytics: issued (and revoked) over time, verifications, pass rates per definition and top skills,
 * drawn as inline SVG. Each chart is a <figure> whose caption names it and whose data is also a table for
 * screen readers (the SVG itself is hidden from them).
 */
export function AnalyticsScreen(props: { slug: string }) {
  const { t, number, date } = useI18n();
  const [range, setRange] = useState({ from: '', to: '', bucket: 'day' });
  const [draft, setDraft] = useState(range);
  const query = new URLSearchParams({ bucket: range.bucket });
  if (range.from) query.set('from', new Date(`${range.from}T00:00:00Z`).toISOString());
  if (range.to) query.set('to', new Date(`${range.to}T00:00:00Z`).toISOString());
  const loaded = useLoad<{ analytics: Analytics }>(orgApi(props.slug, `/analytics?${query}`));
  const title = t('console.analytics.title');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setRange(draft);
  };
  const bucketLabel = (bucket: string) =>
    range.bucket === 'month' ? new Date(bucket).toISOString().slice(0, 7) : date(bucket);
  return (
    <>
      <h1>{title}</h1>
      <form onSubmit={submit} className="filters" noValidate>
        <Field label={t('console.analytics.from')}>
          {({ id }) => (
            <input
              id={id}
              type="date"
              value={draft.from}
              onChange={(event) => setDraft({ ...draft, from: event.target.value })}
            />
          )}
        </Field>
        <Field label={t('console.analytics.to')}>
          {({ id }) => (
            <input
              id={id}
              type="date"
              value={draft.to}
              onChange={(event) => setDraft({ ...draft, to: event.target.value })}
            />
          )}
        </Field>
        <Field label={t('console.analytics.bucket')}>
          {({ id }) => (
            <select
              id={id}
              value={draft.bucket}
              onChange={(event) => setDraft({ ...draft, bucket: event.target.value })}
            >
              <option value="day">{t('console.analytics.bucket.day')}</option>
              <option value="week">{t('console.analytics.bucket.week')}</option>
              <option value="month">{t('console.analytics.bucket.month')}</option>
            </select>
          )}
        </Field>
        <button type="submit">{t('console.analytics.show')}</button>
      </form>
      {loaded.error ? (
        <LoadFailed error={loaded.error} reload={loaded.reload} title={t('console.analytics.failed')} />
      ) : !loaded.data ? (
        <Loading />
      ) : (
        charts(loaded.data.analytics)
      )}
    </>
  );

  function charts(analytics: Analytics) {
    const revokedBy = new Map(analytics.revoked.map((point) => [point.bucket, point.count]));
    return (
      <div className="charts">
        <p className="lead">
          {t('console.analytics.totals', {
            issued: number(analytics.totals.issued),
            revoked: number(analytics.totals.revoked),
            verifications: number(analytics.totals.verifications),
          })}
        </p>
        <BarChart
          title={t('console.analytics.issued')}
          columns={[
            t('console.analytics.col.period'),
            t('console.analytics.col.issued'),
            t('console.analytics.col.revoked'),
          ]}
          points={analytics.issued.map((point) => ({
            label: bucketLabel(point.bucket),
            values: [point.count, revokedBy.get(point.bucket) ?? 0],
          }))}
        />
        <BarChart
          title={t('console.analytics.verifications')}
          columns={[
            t('console.analytics.col.period'),
            t('console.analytics.col.verifications'),
            t('console.analytics.col.valid'),
          ]}
          points={analytics.verifications.map((point) => ({
            label: bucketLabel(point.bucket),
            values: [point.count, point.valid],
          }))}
        />
        <HorizontalBars
          title={t('console.analytics.passRates')}
          columns={[t('console.analytics.col.definition'), t('console.analytics.col.passRate')]}
          max={1}
          rows={analytics.passRates.map((rate) => ({
            key: rate.definitionId,
            label: rate.title ?? rate.definitionId,
            value: rate.passRate ?? 0,
            text:
              rate.passRate === null
                ? '—'
                : number(rate.passRate, { style: 'percent', maximumFractionDigits: 0 }),
          }))}
        />
        <HorizontalBars
          title={t('console.analytics.topSkills')}
          columns={[t('console.analytics.col.skill'), t('console.analytics.col.credentials')]}
          max={Math.max(1, ...analytics.topSkills.map((skill) => skill.credentials))}
          rows={analytics.topSkills.map((skill) => ({
            key: skill.uri,
            label: skill.label ?? skill.uri,
            value: skill.credentials,
            text: number(skill.credentials),
          }))}
        />
      </div>
    );
  }
}

/** Vertical bars per time bucket; the first series solid, the second (if any) as a narrower bar beside it. */
function BarChart(props: {
  title: string;
  columns: string[];
  points: Array<{ label: string; values: number[] }>;
}) {
  const { t, number } = useI18n();
  const id = useId();
  const max = Math.max(1, ...props.points.flatMap((point) => point.values));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const step = plotWidth / Math.max(1, props.points.length);
  const barWidth = Math.max(1, step * 0.4);
  const y = (value: number) => PAD.top + plotHeight - (value / max) * plotHeight;
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{props.title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true" focusable="false" className="chart-svg">
        <line
          x1={PAD.left}
          y1={PAD.top + plotHeight}
          x2={WIDTH - PAD.right}
          y2={PAD.top + plotHeight}
          className="axis"
        />
        <text x={PAD.left - 6} y={PAD.top + 10} textAnchor="end" className="tick">
          {number(max)}
        </text>
        <text x={PAD.left - 6} y={PAD.top + plotHeight} textAnchor="end" className="tick">
          0
        </text>
        {props.points.map((point, index) => {
          const x = PAD.left + index * step + step * 0.1;
          return (
            <g key={point.label}>
              {point.values.map((value, series) => (
                <rect
                  // biome-ignore lint/suspicious/noArrayIndexKey: a series is its position (first, second)
                  key={series}
                  className={`bar series-${series}`}
                  x={x + series * barWidth}
                  y={y(value)}
                  width={barWidth}
                  height={PAD.top + plotHeight - y(value)}
                />
              ))}
            </g>
          );
        })}
        {props.points.length > 0 ? (
          <>
            <text x={PAD.left} y={HEIGHT - 8} className="tick">
              {props.points[0]!.label}
            </text>
            <text x={WIDTH - PAD.right} y={HEIGHT - 8} textAnchor="end" className="tick">
              {props.points[props.points.length - 1]!.label}
            </text>
          </>
        ) : null}
      </svg>
      <p className="small legend">
        <span className="swatch series-0" /> {props.columns[1]} <span className="swatch series-1" />{' '}
        {props.columns[2]}
      </p>
      <table className="visually-hidden">
        <caption>{t('console.analytics.dataOf', { title: props.title })}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.points.map((point) => (
            <tr key={point.label}>
              <th scope="row">{point.label}</th>
              {point.values.map((value, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a series is its position (first, second)
                <td key={index}>{number(value)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** One labelled horizontal bar per row (pass rates, top skills). */
function HorizontalBars(props: {
  title: string;
  columns: string[];
  max: number;
  rows: Array<{ key: string; label: string; value: number; text: string }>;
}) {
  const { t } = useI18n();
  const id = useId();
  const rowHeight = 26;
  const labelWidth = 220;
  const height = Math.max(rowHeight, props.rows.length * rowHeight);
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{props.title}</figcaption>
      {props.rows.length === 0 ? (
        <p className="small">{t('console.analytics.noData')}</p>
      ) : (
        <svg viewBox={`0 0 ${WIDTH} ${height}`} aria-hidden="true" focusable="false" className="chart-svg">
          {props.rows.map((row, index) => {
            const width = ((WIDTH - labelWidth - 60) * row.value) / props.max;
            const top = index * rowHeight;
            return (
              <g key={row.key}>
                <text x={labelWidth - 6} y={top + 17} textAnchor="end" className="tick">
                  {row.label.length > 32 ? `${row.label.slice(0, 31)}…` : row.label}
                </text>
                <rect
                  className="bar series-0"
                  x={labelWidth}
                  y={top + 4}
                  width={Math.max(width, 1)}
                  height={rowHeight - 8}
                />
                <text x={labelWidth + Math.max(width, 1) + 6} y={top + 17} className="tick">
                  {row.text}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      <table className="visually-hidden">
        <caption>{t('console.analytics.dataOf', { title: props.title })}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.label}</th>
              <td>{row.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
