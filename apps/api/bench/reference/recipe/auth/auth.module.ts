import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtStrategy } from './jwt.strategy.js';

/**
 * The recipe's AuthModule, reduced to what verifies a token. Its sign-in half (LocalStrategy,
 * UsersService and @nestjs/jwt's JwtModule, which signs) is not measured and @nestjs/jwt is not
 * a dependency of this repository: the bench signs the recipe's token itself (HS256, this secret).
 */
@Module({
  imports: [PassportModule],
  providers: [JwtStrategy],
})
export class AuthModule {}
