// The passport-jwt recipe as the NestJS docs show it (docs.nestjs.com/recipes/passport): a JWT
// strategy with a string secret (HS256) guarding GET /profile, which returns req.user. This is
// what a NestJS user would otherwise copy. Started by `npm run bench` on PORT.
import 'reflect-metadata';
import { Controller, Get, Module, Request, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuthModule } from './auth/auth.module.js';
import { JwtAuthGuard } from './auth/jwt-auth.guard.js';

@Controller()
class AppController {
  @UseGuards(JwtAuthGuard)
  @Get('profile')
  getProfile(@Request() req: { user: unknown }) {
    return req.user;
  }
}

@Module({ imports: [AuthModule], controllers: [AppController] })
class AppModule {}

const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter());
await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
