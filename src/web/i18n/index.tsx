import { createContext, type ReactNode, useContext } from 'react';
import { commonEn } from './messages/common.en.ts';
import { commonEs } from './messages/common.es.ts';
import { consoleEn } from './messages/console.en.ts';
import { consoleEs } from './messages/console.es.ts';
import { pagesEn } from './messages/pages.en.ts';
import { pagesEs } from './messages/pages.es.ts';
import { pathwaysEn } from './messages/pathways.en.ts';
import { pathwaysEs } from './messages/pathways.es.ts';
import { publicEn } from './messages/public.en.ts';
import { publicEs } from './messages/public.es.ts';
import { walletEn } from './messages/wallet.en.ts';
import { walletEs } from './messages/wallet.es.ts';

/**
 * Every string the web app shows comes from these catalogues. English is the source of truth; each other
 * language is typed `Record<MessageKey, string>`, so a missing translation is a compile error, not a blank.
 */
const en = { ...commonEn, ...publicEn, ...consoleEn, ...walletEn, ...pagesEn, ...pathwaysEn };
export type MessageKey = keyof typeof en;
const es: Record<MessageKey, string> = {
  ...commonEs,
  ...publicEs,
  ...consoleEs,
  ...walletEs,
  ...pagesEs,
  ...pathwaysEs,
};

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, es };
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };

export type MessageParams = Record<string, string | number>;

export interface I18n {
  locale: Locale;
  timeZone: string;
  t(key: MessageKey, params?: MessageParams): string;
  /** A date (and time when `withTime`) in the reader's language; always in `timeZone` so server and browser agree. */
  date(value: Date | string, options?: { withTime?: boolean }): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The language from the `lang` cookie, else the best match in Accept-Language, else English. */
export function pickLocale(cookie: string | undefined, acceptLanguage: string | undefined): Locale {
  if (isLocale(cookie)) return cookie;
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.find((p) => p.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.tag !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    const base = tag.split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

export function createI18n(locale: Locale, timeZone = 'UTC'): I18n {
  const catalogue = CATALOGUES[locale];
  const plural = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  return {
    locale,
    timeZone,
    t: (key, params) => format(catalogue[key] ?? en[key] ?? key, params, plural, numbers),
    date: (value, options) => {
      const date = typeof value === 'string' ? new Date(value) : value;
      if (Number.isNaN(date.getTime())) return String(value);
      return new Intl.DateTimeFormat(locale, {
        dateStyle: 'long',
        ...(options?.withTime ? { timeStyle: 'short' } : {}),
        timeZone,
      }).format(date);
    },
    number: (value, options) =>
      options ? new Intl.NumberFormat(locale, options).format(value) : numbers.format(value),
  };
}

/** `{name}` placeholders and `{count, plural, one {# item} other {# items}}`. */
function format(
  message: string,
  params: MessageParams | undefined,
  plural: Intl.PluralRules,
  numbers: Intl.NumberFormat,
): string {
  if (!params) return message;
  const withPlurals = message.replace(
    /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*\})+)\s*\}/g,
    (_whole, name: string, branches: string) => {
      const value = Number(params[name]);
      const options = new Map<string, string>();
      for (const match of branches.matchAll(/(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/g)) {
        options.set(match[1]!, match[2]!);
      }
      const chosen =
        options.get(`=${value}`) ?? options.get(plural.select(value)) ?? options.get('other') ?? '';
      return chosen.replace(/#/g, numbers.format(value));
    },
  );
  return withPlurals.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined
      ? whole
      : typeof params[name] === 'number'
        ? numbers.format(params[name])
        : String(params[name]),
  );
}

const I18nContext = createContext<I18n>(createI18n('en'));

export function I18nProvider(props: { i18n: I18n; children: ReactNode }) {
  return <I18nContext.Provider value={props.i18n}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
