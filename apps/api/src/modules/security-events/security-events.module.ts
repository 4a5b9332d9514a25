import { Module } from '@nestjs/common';
import { SecurityEventsController } from './security-events.controller.js';
import { SecurityEventsHub } from './security-events.hub.js';
import { SecurityEventsRepository } from './security-events.repository.js';
import { SecurityEventsService } from './security-events.service.js';

@Module({
  controllers: [SecurityEventsController],
  providers: [SecurityEventsRepository, SecurityEventsHub, SecurityEventsService],
  exports: [SecurityEventsHub],
})
export class SecurityEventsModule {}
