import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { InventoryController } from './inventory.controller.js';
import { OverviewController } from './overview.controller.js';

/** What admins look at across every user: the credential inventory and the overview. */
@Module({
  imports: [CredentialsModule],
  controllers: [InventoryController, OverviewController],
})
export class InventoryModule {}
