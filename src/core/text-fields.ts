import { AppError } from './errors.ts';

/**
 * An optional free-text body field: trimmed, empty meaning none (null), refused with a 422 naming the field
 * when longer than `max` characters.
 */
export function optionalBodyText(
  value: string | null | undefined,
  field: { name: string; pointer: string; max: number },
): string | null {
  if (value === undefined || value === null) return null;
  const text = value.trim();
  if (text.length > field.max) {
    throw AppError.validation(`The ${field.name} must be at most ${field.max} characters`, [
      { in: 'body', pointer: field.pointer, message: `must be at most ${field.max} characters` },
    ]);
  }
  return text === '' ? null : text;
}
