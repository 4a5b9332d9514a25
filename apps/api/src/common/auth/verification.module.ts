import { Global, Module } from '@nestjs/common';
import { JwtResolvers } from './jwt-resolvers.js';
import { VerifiedCredentials } from './verified-credentials.js';

/** Global: the JWT kinds' resolvers and the verified-credential cache every module reads. */
@Global()
@Module({
  providers: [JwtResolvers, VerifiedCredentials],
  exports: [JwtResolvers, VerifiedCredentials],
})
export class VerificationModule {}
