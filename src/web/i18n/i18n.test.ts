import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createI18n, pickLocale } from './index.tsx';
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

const PAIRS: Array<[string, Record<string, string>, Record<string, string>]> = [
  ['common', commonEn, commonEs],
  ['public', publicEn, publicEs],
  ['console', consoleEn, consoleEs],
  ['wallet', walletEn, walletEs],
  ['pages', pagesEn, pagesEs],
  ['pathways', pathwaysEn, pathwaysEs],
];

/** `{name}` placeholders and plural arguments of a message, sorted. */
function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)(?:,\s*plural)?[},]/g)].map((match) => match[1]!).sort();
}

describe('message catalogues', () => {
  test('every Spanish message is filled in and uses the same placeholders as the English one', () => {
    for (const [area, en, es] of PAIRS) {
      assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort(), `${area}: same keys`);
      for (const [key, english] of Object.entries(en)) {
        const spanish = es[key]!;
        assert.ok(spanish.trim().length > 0, `${area}/${key} is empty in Spanish`);
        assert.deepEqual(placeholders(spanish), placeholders(english), `${area}/${key}: placeholders differ`);
      }
    }
  });

  test('no key is defined by two areas (a later one would silently win)', () => {
    const seen = new Map<string, string>();
    for (const [area, en] of PAIRS) {
      for (const key of Object.keys(en)) {
        assert.ok(!seen.has(key), `${key} is in both ${seen.get(key)} and ${area}`);
        seen.set(key, area);
      }
    }
  });
});

describe('i18n', () => {
  test('the language: a valid cookie wins, then the best Accept-Language match, then English', () => {
    assert.equal(pickLocale('es', 'en'), 'es');
    assert.equal(pickLocale('fr', 'es-MX,en;q=0.5'), 'es');
    assert.equal(pickLocale(undefined, 'fr-FR, en;q=0.2, es;q=0.8'), 'es');
    assert.equal(pickLocale(undefined, 'fr-FR, de;q=0.8'), 'en');
    assert.equal(pickLocale(undefined, 'es;q=0, en;q=0.1'), 'en');
    assert.equal(pickLocale(undefined, undefined), 'en');
  });

  test('placeholders and plurals, numbers and dates in the reader’s language', () => {
    const en = createI18n('en');
    const es = createI18n('es');
    assert.equal(en.t('issuer.issuedCount', { count: 1 }), '1 credential issued');
    assert.equal(
      en.t('issuer.issuedCount', { count: 12345 }),
      `${new Intl.NumberFormat('en').format(12345)} credentials issued`,
    );
    assert.equal(es.t('issuer.issuedCount', { count: 1 }), '1 credencial emitida');
    assert.equal(es.t('issuer.issuedCount', { count: 3 }), '3 credenciales emitidas');
    assert.equal(en.t('credential.reason', { reason: 'a {b}' }), 'Reason given by the issuer: a {b}');
    assert.equal(es.number(12345.5), new Intl.NumberFormat('es').format(12345.5));
    const when = new Date('2026-03-01T23:30:00Z');
    assert.equal(
      es.date(when),
      new Intl.DateTimeFormat('es', { dateStyle: 'long', timeZone: 'UTC' }).format(when),
    );
    assert.match(es.date(when), /marzo/);
    assert.equal(createI18n('en', 'Asia/Tokyo').date(when), 'March 2, 2026', 'the time zone is applied');
    assert.equal(en.date('not a date'), 'not a date');
  });
});
