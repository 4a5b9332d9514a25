import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Query,
  Req,
  type StreamableFile,
} from '@nestjs/common';
import {
  ApiBody,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  CREDENTIAL_KINDS,
  CREDENTIAL_STATES,
  credentialBulkResultSchema,
  credentialBulkSchema,
  credentialInventoryExportQuerySchema,
  credentialInventoryPageSchema,
  credentialInventoryQuerySchema,
  type CredentialBulkInput,
  type CredentialBulkResult,
  type CredentialInventoryExportQuery,
  type CredentialInventoryItem,
  type CredentialInventoryPage,
  type CredentialInventoryQuery,
} from '@latchkey/contracts';
import { actingFor } from '../../common/auth/acting.js';
import { RequireScopes, Roles } from '../../common/auth/auth.decorators.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import type { Principal } from '../../common/auth/principal.js';
import { exportFile } from '../../common/export/export-stream.js';
import { requestSchema, responseSchema } from '../../common/openapi/json-schema.js';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe.js';
import { toInventoryItem } from '../credentials/credentials.mapper.js';
import { CredentialsService } from '../credentials/credentials.service.js';

const FILTERS = [
  { name: 'kind', required: false, enum: CREDENTIAL_KINDS },
  { name: 'ownerId', required: false, description: 'The owning user or service account' },
  {
    name: 'scope',
    required: false,
    description:
      'Credentials granted this scope; account and opaque tokens carry every permission of their user and always match',
  },
  {
    name: 'state',
    required: false,
    enum: CREDENTIAL_STATES,
    description:
      'active (default): works now or is only disabled; inactive: revoked, expired or its user disabled',
  },
  { name: 'neverExpires', required: false, enum: ['true', 'false'] },
  { name: 'expiresWithinDays', required: false, description: 'Expires within this many days' },
  {
    name: 'unusedForDays',
    required: false,
    description: 'Not used (or, never used, created) within this many days',
  },
  { name: 'disabled', required: false, enum: ['true', 'false'] },
];

function ApiInventoryFilters(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const filter of FILTERS) ApiQuery(filter)(target, key, descriptor);
  };
}

const EXPORT_COLUMNS = [
  'id',
  'kind',
  'name',
  'ownerId',
  'ownerLogin',
  'scopes',
  'createdAt',
  'expiresAt',
  'lastUsedAt',
  'disabled',
  'revokedAt',
  'revokedReason',
  'rateLimit',
] as const satisfies readonly (keyof CredentialInventoryItem)[];

/**
 * Every user's and service account's stored credentials for admins: find (never the secrets),
 * export, and disable or revoke many at once through the one credential lifecycle.
 */
@ApiTags('Credential inventory')
@Controller('credentials')
export class InventoryController {
  constructor(@Inject(CredentialsService) private readonly credentials: CredentialsService) {}

  @Get()
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({ summary: "Every user's credentials, newest first, paginated (admin)" })
  @ApiInventoryFilters()
  @ApiQuery({ name: 'page', required: false, description: 'From 1 (default 1)' })
  @ApiQuery({ name: 'pageSize', required: false, description: '1..200, default 50' })
  @ApiResponse({ status: 200, schema: responseSchema(credentialInventoryPageSchema) })
  async list(
    @Query(new ZodValidationPipe(credentialInventoryQuerySchema)) query: CredentialInventoryQuery,
  ): Promise<CredentialInventoryPage> {
    const { page, pageSize, ...filter } = query;
    const { items, total } = await this.credentials.inventory(filter, page, pageSize);
    return { items: items.map(toInventoryItem), total, page, pageSize };
  }

  @Get('export')
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({
    summary: 'Every matching credential as a CSV or NDJSON download (admin)',
    description: 'Same filters as the list, streamed in batches; never a secret.',
  })
  @ApiInventoryFilters()
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'ndjson'] })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiResponse({ status: 200, description: 'The file (Content-Disposition: attachment)' })
  export(
    @Query(new ZodValidationPipe(credentialInventoryExportQuerySchema))
    { format, ...filter }: CredentialInventoryExportQuery,
  ): StreamableFile {
    const views = this.credentials.inventoryBatches(filter);
    async function* batches(): AsyncGenerator<CredentialInventoryItem[]> {
      for await (const batch of views) yield batch.map(toInventoryItem);
    }
    return exportFile(batches(), { format, columns: EXPORT_COLUMNS, name: 'credentials' });
  }

  @Post('bulk')
  @HttpCode(200)
  @Roles('admin')
  @RequireScopes('admin:credentials')
  @ApiOperation({
    summary: 'Disable or revoke up to 500 credentials of any user at once (admin)',
    description:
      'One result per id: disabled, revoked, not_found, or unchanged (already revoked, expired or disabled). Each change is audited for the credential owner.',
  })
  @ApiBody({ schema: requestSchema(credentialBulkSchema) })
  @ApiResponse({ status: 200, schema: responseSchema(credentialBulkResultSchema) })
  async bulk(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(credentialBulkSchema)) body: CredentialBulkInput,
    @Req() request: FastifyRequest,
  ): Promise<CredentialBulkResult> {
    return { results: await this.credentials.bulk(body, actingFor(principal, request)) };
  }
}
