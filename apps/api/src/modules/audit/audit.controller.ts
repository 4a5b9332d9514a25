import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  auditPageSchema,
  auditQuerySchema,
  type AuditPage,
  type AuditQuery,
} from '@latchkey/contracts';
import { RequireScopes, Roles } from '../../common/auth/auth.decorators.js';
import { responseSchema } from '../../common/openapi/json-schema.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { AuditService } from './audit.service.js';

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
  @ApiQuery({
    name: 'userId',
    required: false,
    description: 'Events where this user acted or was acted on',
  })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'before', required: false, description: 'ISO 8601 date-time (exclusive)' })
  @ApiQuery({ name: 'limit', required: false, description: '1..200, default 50' })
  @ApiResponse({ status: 200, schema: responseSchema(auditPageSchema) })
  list(@Query(new ZodValidationPipe(auditQuerySchema)) query: AuditQuery): Promise<AuditPage> {
    return this.audit.page(query);
  }
}
