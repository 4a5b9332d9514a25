import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScopes } from '../auth/auth.decorators.js';
import { metricsRegistry } from './metrics.js';

@ApiTags('Operations')
@Controller('metrics')
export class MetricsController {
  @Get()
  @RequireScopes('metrics:read')
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format), for a credential holding metrics:read',
    description:
      'With METRICS_PORT set, the same metrics are also served without a credential at /metrics on that port, a listener of its own.',
  })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text format 0.0.4' })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.type(metricsRegistry.contentType);
    return metricsRegistry.metrics();
  }
}
