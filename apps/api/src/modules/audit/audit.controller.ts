import { Controller, Get, Inject, Query, type StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  auditExportQuerySchema,
  auditPageSchema,
  auditQuerySchema,
  type AuditExportQuery,
  type AuditPage,
  type AuditQuery,
} from '@latchkey/contracts';
import { RequireScopes, Roles } from '../../common/auth/auth.decorators.js';
import { responseSchema } from '../../common/openapi/json-schema.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { AuditService } from './audit.service.js';

const FILTERS = [
  { name: 'userId', required: false, description: 'Events where this user acted or was acted on' },
  { name: 'type', required: false },
  { name: 'from', required: false, description: 'ISO 8601 date-time: events at or after it' },
  { name: 'to', required: false, description: 'ISO 8601 date-time: events before it' },
  { name: 'actorId', required: false, description: 'Events this user did' },
  { name: 'ip', required: false, description: 'Events from this client IP address' },
];

/** The filters as OpenAPI query parameters, on both routes alike. */
function ApiAuditFilters(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const filter of FILTERS) ApiQuery(filter)(target, key, descriptor);
  };
}

@ApiTags('Audit')
@Controller('audit-events')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get()
  @Roles('admin')
  @RequireScopes('audit:read')
  @ApiOperation({
    summary: 'Audit events, newest first; pass nextBefore as before for the next page',
  })
  @ApiAuditFilters()
  @ApiQuery({ name: 'before', required: false, description: 'ISO 8601 date-time (exclusive)' })
  @ApiQuery({ name: 'limit', required: false, description: '1..200, default 50' })
  @ApiResponse({ status: 200, schema: responseSchema(auditPageSchema) })
  list(@Query(new ZodValidationPipe(auditQuerySchema)) query: AuditQuery): Promise<AuditPage> {
    return this.audit.page(query);
  }

  @Get('export')
  @Roles('admin')
  @RequireScopes('audit:read')
  @ApiOperation({
    summary: 'Every matching audit event, oldest first, as a CSV or NDJSON download',
    description:
      'Streams any range in batches. CSV has a header line; details is a JSON cell; a cell a spreadsheet would run as a formula starts with an apostrophe.',
  })
  @ApiAuditFilters()
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'ndjson'] })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiResponse({ status: 200, description: 'The file (Content-Disposition: attachment)' })
  export(
    @Query(new ZodValidationPipe(auditExportQuerySchema)) query: AuditExportQuery,
  ): StreamableFile {
    return this.audit.export(query);
  }
}
