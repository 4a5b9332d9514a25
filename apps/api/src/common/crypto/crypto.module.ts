import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { SecretBox, loadMasterKey } from './secret-box.js';

/** The one SecretBox of the process, keyed from ENCRYPTION_KEY or DATA_DIR. */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new SecretBox(loadMasterKey(config.ENCRYPTION_KEY, config.DATA_DIR)),
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
