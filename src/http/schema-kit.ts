import { type TSchema, Type } from '@sinclair/typebox';

/** Building blocks the modules' TypeBox request and response schemas share. */
export const DateTime = Type.String({ format: 'date-time' });
export const Uuid = Type.String({ format: 'uuid' });
export const Slug = Type.String({ minLength: 1, maxLength: 63 });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** Any absolute URI (http(s), urn:, …), as skills and occupations are named. */
export const Uri = (description: string) =>
  Type.String({ minLength: 3, maxLength: 2000, pattern: '^[A-Za-z][A-Za-z0-9+.-]*:\\S+$', description });
/** An object that refuses unknown properties. */
export const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
