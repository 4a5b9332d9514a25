import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { MetricsServer } from './metrics-server.js';

/** Prometheus metrics: GET /metrics (scope metrics:read) and, with METRICS_PORT, a listener of its own. */
@Module({ controllers: [MetricsController], providers: [MetricsServer] })
export class MetricsModule {}
