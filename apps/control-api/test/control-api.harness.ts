import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { type INestApplication, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthController } from '@hubheap/service';
import type { ControlApiConfig } from '../src/control-api.config';
import { ControlApiModule } from '../src/control-api.module';
import { setupOpenApi } from '../src/http/openapi';

/** Nest logger keeping every line in memory (printed too when DEBUG is set). */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, ...rest: unknown[]): void {
    this.push('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.push('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.push('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.push('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.push('verbose', message, rest);
  }
  private push(level: string, message: unknown, rest: unknown[]): void {
    const line = `${level} ${typeof message === 'string' ? message : JSON.stringify(message)} ${rest.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(' ')}`;
    this.lines.push(line);
    if (process.env['DEBUG']) process.stderr.write(`${line}\n`);
  }
}

/** A JSON (or text) answer of the app. */
export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/** A running control-api (same module as main.ts) on an ephemeral port. */
export interface ControlApiApp {
  app: INestApplication;
  baseUrl: string;
  logger: CapturingLogger;
  /** Request with an optional bearer key; JSON body in and out (text when not JSON). */
  call(method: string, path: string, key?: string, body?: unknown): Promise<Reply>;
  close(): Promise<void>;
}

/** Boots ControlApiModule with config overrides on 127.0.0.1:0; Kafka, registry and Postgres from the stack env. */
export const startControlApi = async (
  config: Partial<ControlApiConfig>,
  adminStaticDir?: string,
): Promise<ControlApiApp> => {
  @Module({
    imports: [ControlApiModule.forRoot({ config, adminStaticDir })],
    controllers: [HealthController],
  })
  class ControlApiTestModule {}
  const logger = new CapturingLogger();
  const app = await NestFactory.create(ControlApiTestModule, { logger });
  app.enableShutdownHooks();
  setupOpenApi(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    logger,
    call: async (method, path, key, body) => {
      const headers: Record<string, string> = {};
      if (key !== undefined) headers['Authorization'] = `Bearer ${key}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    close: () => app.close(),
  };
};

/** A random 9-digit portal id, so rows and records of this run stay apart from earlier runs. */
export const randomPortalId = (): number => 100_000_000 + Math.floor(Math.random() * 899_999_999);

/** A random Heap app_id. */
export const randomAppId = (): string => String(1_000_000_000 + Math.floor(Math.random() * 8_999_999_999));
