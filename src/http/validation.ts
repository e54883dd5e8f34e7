import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Two Ajv instances. Bodies are strict: wrong types are refused, never coerced, and unknown properties are
 * errors (schemas say `additionalProperties: false`), not silently dropped. Query strings, path
 * parameters and headers arrive as text, so those may be coerced to the declared type.
 */
function makeAjv(options: Options) {
  const ajv = new Ajv.default({
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    ...options,
  });
  addFormats.default(ajv);
  return ajv;
}

const bodyAjv = makeAjv({ coerceTypes: false });
const textAjv = makeAjv({ coerceTypes: 'array' });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};

/** A UTF-16 surrogate without its partner: not valid Unicode, and PostgreSQL refuses it in JSON. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text PostgreSQL refuses to store: a NUL character or an unpaired surrogate. */
function unstorable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/**
 * The JSON pointer of the first string (or object key) in `value` that PostgreSQL cannot store, if any.
 * JSON and URLs can carry `\u0000` and unpaired surrogates; left alone they reach a query and fail there
 * as a 500. Iterative, so deeply nested bodies cannot exhaust the stack.
 */
export function findUnstorableText(value: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [current, pointer] = stack.pop()!;
    if (typeof current === 'string') {
      if (unstorable(current)) return pointer;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    for (const [key, item] of Object.entries(current)) {
      const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (unstorable(key)) return child;
      stack.push([item, child]);
    }
  }
  return undefined;
}
