import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CREDENTIAL_KINDS,
  OVERVIEW_RANGES,
  overviewQuerySchema,
  overviewSchema,
  type Overview,
  type OverviewQuery,
} from '@latchkey/contracts';
import { RequireScopes, Roles } from '../../common/auth/auth.decorators.js';
import { Clock } from '../../common/clock/clock.js';
import { responseSchema } from '../../common/openapi/json-schema.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { AuditService } from '../audit/audit.service.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { UsageService, type CounterBucket } from '../usage/usage.service.js';

const DAY_MS = 86_400_000;

function point({ at, counters }: CounterBucket): Overview['series'][number] {
  const sum = (metric: string) =>
    counters.filter((row) => row.metric === metric).reduce((total, row) => total + row.count, 0);
  const verifications: Record<string, number> = {};
  for (const row of counters) {
    if (row.metric === 'verification') {
      verifications[row.kind] = (verifications[row.kind] ?? 0) + row.count;
    }
  }
  return {
    at,
    signIns: sum('sign_in'),
    failedSignIns: sum('sign_in_failed'),
    rateLimited: sum('rate_limited'),
    verifications,
  };
}

/** The admin home: activity over a range, and the credentials worth a look now. */
@ApiTags('Credential inventory')
@Controller('overview')
export class OverviewController {
  constructor(
    @Inject(UsageService) private readonly usage: UsageService,
    @Inject(CredentialsService) private readonly credentials: CredentialsService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('admin')
  @RequireScopes('audit:read')
  @ApiOperation({
    summary:
      'Sign-ins, failures, rate-limit refusals and verifications over time, and credential counts (admin)',
    description:
      '24h: hourly buckets; 7d and 30d: daily (UTC). Live credentials work now (not revoked, expired or disabled, user enabled). securityEvents24h counts failed sign-ins and credential checks, rate-limit refusals, refresh-token reuse, leaks and passkey counter regressions of the last 24 hours.',
  })
  @ApiQuery({ name: 'range', required: false, enum: OVERVIEW_RANGES })
  @ApiResponse({ status: 200, schema: responseSchema(overviewSchema) })
  async overview(
    @Query(new ZodValidationPipe(overviewQuerySchema)) { range }: OverviewQuery,
  ): Promise<Overview> {
    const [series, live, securityEvents24h] = await Promise.all([
      this.usage.counterBuckets(range),
      this.credentials.liveCounts(),
      this.audit.securityEventsSince(new Date(this.clock.now() - DAY_MS)),
    ]);
    const total = (field: 'expiringWithin7Days' | 'neverExpiring' | 'unusedFor90Days') =>
      live.reduce((sum, row) => sum + row[field], 0);
    return {
      range,
      bucket: series.range.bucket,
      series: series.buckets.map(point),
      counts: {
        liveByKind: Object.fromEntries(
          CREDENTIAL_KINDS.map((kind) => [kind, live.find((row) => row.kind === kind)?.live ?? 0]),
        ),
        expiringWithin7Days: total('expiringWithin7Days'),
        neverExpiring: total('neverExpiring'),
        unusedFor90Days: total('unusedFor90Days'),
        securityEvents24h,
      },
    };
  }
}
