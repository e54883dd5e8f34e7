import { randomUUID } from 'node:crypto';

/** Id source passed into services so tests can make ids predictable. */
export type IdGenerator = () => string;

export const randomId: IdGenerator = () => randomUUID();

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export function isUuid(value: string): boolean {
  return new RegExp(UUID_PATTERN).test(value);
}
