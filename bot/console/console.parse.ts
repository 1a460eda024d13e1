import type { z } from 'zod';
import { createValidationError } from '../../core/shared/errors.js';

/**
 * Parses a console request's input with its zod schema, or throws a 400 whose message names the first
 * bad field (`condition.conditions.0.withinDays: …`) and whose details list every issue.
 */
export function parseConsoleInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  const first = issues[0]!;
  throw createValidationError({ message: `Invalid ${first.path}: ${first.message}`, details: { issues } });
}
