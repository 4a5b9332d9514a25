import { applyDecorators } from '@nestjs/common';
import { ApiQuery, ApiResponse } from '@nestjs/swagger';
import { MAX_USAGE_RANGE_DAYS, USAGE_BUCKETS, usageSeriesSchema } from '@latchkey/contracts';
import { responseSchema } from '../../common/openapi/json-schema.js';

export const USAGE_DESCRIPTION = `Verified requests per hour or day (UTC), every bucket present. Default: the last 7 days; hourly for at most 2 days, else daily. The range may span at most ${MAX_USAGE_RANGE_DAYS} days (400 beyond); hourly counts are kept USAGE_RETENTION_DAYS.`;

/** The query and answer of every …/usage route. */
export function ApiUsage(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'from', required: false, description: 'ISO 8601 date-time' }),
    ApiQuery({ name: 'to', required: false, description: 'ISO 8601 date-time (default: now)' }),
    ApiQuery({ name: 'bucket', required: false, enum: USAGE_BUCKETS }),
    ApiResponse({ status: 200, schema: responseSchema(usageSeriesSchema) }),
  );
}
