import { type PipeTransform } from '@nestjs/common';
import { Problems } from '../problem/problem.exception.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the text form of a UUID, the only thing a uuid column can be compared with. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A path id that is not a UUID names nothing: 404, as for an unknown UUID. */
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw Problems.notFound();
    return value.toLowerCase();
  }
}
