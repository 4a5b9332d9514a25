// The stack's ceiling: a bare NestJS + Fastify app with one route, as `nest new` makes it (the
// starter's "Hello World!"), nothing else. Started by `npm run bench` on PORT.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

@Controller()
class AppController {
  @Get()
  getHello(): string {
    return 'Hello World!';
  }
}

@Module({ controllers: [AppController] })
class AppModule {}

const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter());
await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
