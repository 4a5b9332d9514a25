import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { ProblemDetailsFilter } from './common/problem/problem-details.filter.js';
import { VerificationModule } from './common/auth/verification.module.js';
import { CryptoModule } from './common/crypto/crypto.module.js';
import { EventsModule } from './common/events/events.module.js';
import { LimitsModule } from './common/limits/limits.module.js';
import { MetricsModule } from './common/metrics/metrics.module.js';
import { PinoNestLogger } from './common/logging/logger.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { dataSourceOptions } from './database/data-source.js';
import { ApiKeysModule } from './modules/api-keys/api-keys.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { InventoryModule } from './modules/inventory/inventory.module.js';
import { OAuthModule } from './modules/oauth/oauth.module.js';
import { OpaqueTokensModule } from './modules/opaque-tokens/opaque-tokens.module.js';
import { SecurityEventsModule } from './modules/security-events/security-events.module.js';
import { PersonalAccessTokensModule } from './modules/personal-access-tokens/personal-access-tokens.module.js';
import { SigningKeysModule } from './modules/signing-keys/signing-keys.module.js';
import { UsageModule } from './modules/usage/usage.module.js';
import { UsersModule } from './modules/users/users.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  logger: Logger;
}

@Module({})
export class AppModule {
  static register({ config, databaseUrl, logger }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({
          ...dataSourceOptions({
            url: databaseUrl,
            poolSize: config.DATABASE_POOL_SIZE,
            queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT * 1000,
          }),
          // Migrations run before the app starts (see main.ts); never synchronize.
          migrationsRun: false,
        }),
        CryptoModule,
        EventsModule,
        VerificationModule,
        UsageModule,
        AuditModule,
        LimitsModule,
        SigningKeysModule,
        HealthModule,
        UsersModule,
        AuthModule,
        PersonalAccessTokensModule,
        ApiKeysModule,
        OpaqueTokensModule,
        OAuthModule,
        InventoryModule,
        MetricsModule,
        SecurityEventsModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: PinoNestLogger, useValue: new PinoNestLogger(logger) },
      ],
    };
  }
}
