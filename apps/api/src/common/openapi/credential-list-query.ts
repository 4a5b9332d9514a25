import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { CREDENTIAL_PAGE_SIZE_MAX, CREDENTIAL_STATES } from '@latchkey/contracts';

/** The query of every per-user credential list: its state and the page to show. */
export const ApiCredentialListQuery = () =>
  applyDecorators(
    ApiQuery({ name: 'state', enum: CREDENTIAL_STATES, required: false }),
    ApiQuery({
      name: 'page',
      schema: { type: 'integer', minimum: 1, default: 1 },
      required: false,
    }),
    ApiQuery({
      name: 'pageSize',
      schema: {
        type: 'integer',
        minimum: 1,
        maximum: CREDENTIAL_PAGE_SIZE_MAX,
        default: CREDENTIAL_PAGE_SIZE_MAX,
      },
      required: false,
    }),
  );
