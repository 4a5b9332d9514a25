import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import type { ValidationIssue } from '@latchkey/contracts';
import { Problems } from '../problem/problem.exception.js';

export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}

/** Parses a body, query or parameter with a zod schema from @latchkey/contracts: 400 listing the fields. */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(readonly schema: T) {}

  transform(value: unknown): z.output<T> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) throw Problems.validation(toValidationIssues(result.error));
    return result.data;
  }
}
