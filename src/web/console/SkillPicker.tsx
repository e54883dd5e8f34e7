import { useEffect, useId, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { ApiError } from '../lib/api.ts';
import { api } from '../lib/api.ts';
import { asApiError, ProblemAlert, useDebounced } from './shared.tsx';
import type { SkillRef, SkillSummary } from './types.ts';

/**
 * Searches the skills frameworks (ESCO, O*NET, the organisation's own) as the user types and adds the
 * chosen skills as tags. A search field and a list of buttons rather than a combobox: simple to use with
 * a keyboard and a screen reader, and the result count is announced.
 */
export function SkillPicker(props: {
  label: string;
  selected: SkillRef[];
  disabled?: boolean;
  onChange(skills: SkillRef[]): void;
}) {
  const { t, number } = useI18n();
  const id = useId();
  const [query, setQuery] = useState('');
  const settled = useDebounced(query.trim(), 300);
  const [results, setResults] = useState<SkillSummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (settled.length < 2) {
      setResults(null);
      return;
    }
    let current = true;
    api<{ skills: SkillSummary[] }>(
      'GET',
      `/api/v1/skills?${new URLSearchParams({ q: settled, limit: '8' })}`,
    ).then(
      (page) => {
        if (!current) return;
        setError(null);
        setResults(page.skills);
      },
      (caught: unknown) => current && setError(asApiError(caught)),
    );
    return () => {
      current = false;
    };
  }, [settled]);
  const chosen = new Set(props.selected.map((skill) => skill.uri));
  const add = (skill: SkillSummary) =>
    props.onChange([...props.selected, { uri: skill.uri, label: skill.label, framework: skill.framework }]);
  const remove = (uri: string) => props.onChange(props.selected.filter((skill) => skill.uri !== uri));
  return (
    <div className="skill-picker">
      {props.selected.length > 0 ? (
        <ul className="tags" aria-label={t('console.skills.selected', { label: props.label })}>
          {props.selected.map((skill) => (
            <li key={skill.uri}>
              {skill.label ?? skill.uri}{' '}
              <button
                type="button"
                className="tag-remove"
                disabled={props.disabled}
                onClick={() => remove(skill.uri)}
                aria-label={t('console.skills.remove', { label: skill.label ?? skill.uri })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="search"
        value={query}
        disabled={props.disabled}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          // Enter in the search must not submit the editor's form.
          if (event.key === 'Enter') event.preventDefault();
        }}
        aria-describedby={`${id}-status`}
      />
      <p id={`${id}-status`} className="small" aria-live="polite">
        {results === null
          ? t('console.skills.hint')
          : t('console.skills.found', { count: results.length, shown: number(results.length) })}
      </p>
      <ProblemAlert error={error} />
      {results && results.length > 0 ? (
        <ul className="skill-results">
          {results.map((skill) => (
            <li key={skill.uri}>
              <button
                type="button"
                className="secondary"
                disabled={props.disabled || chosen.has(skill.uri)}
                onClick={() => add(skill)}
              >
                {t('console.skills.add', { label: skill.label })}
              </button>{' '}
              <span className="small">{skill.framework.toUpperCase()}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
