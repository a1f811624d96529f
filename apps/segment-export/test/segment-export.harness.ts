import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { type INestApplication, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthController } from '@hubheap/service';
import type { SegmentExportConfig } from '../src/segment-export.config';
import { SegmentExportModule } from '../src/segment-export.module';

/** Nest logger keeping lines in memory (printed too when DEBUG is set). */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, context?: string): void {
    this.push('log', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.push('error', message, rest[rest.length - 1]);
  }
  warn(message: unknown, context?: string): void {
    this.push('warn', message, context);
  }
  private push(level: string, message: unknown, context: unknown): void {
    const line = `${level} [${String(context ?? '')}] ${String(message)}`;
    this.lines.push(line);
    if (process.env['DEBUG']) process.stderr.write(`${line}\n`);
  }
}

/** A running segment-export (same module as main.ts) on an ephemeral port. */
export interface SegmentExportApp {
  app: INestApplication;
  baseUrl: string;
  logger: CapturingLogger;
  /** JSON request against the app; the status and parsed body. */
  call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** Boots SegmentExportModule with config overrides on 127.0.0.1:0; Kafka, registry and Postgres from the stack env. */
export const startSegmentExport = async (
  overrides: Partial<SegmentExportConfig>,
): Promise<SegmentExportApp> => {
  @Module({ imports: [SegmentExportModule.forRoot(overrides)], controllers: [HealthController] })
  class SegmentExportTestModule {}
  const logger = new CapturingLogger();
  const app = await NestFactory.create(SegmentExportTestModule, { logger });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    logger,
    call: async (method, path, body) => {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    close: () => app.close(),
  };
};

/** A random 9-digit portal id, so rows and records of this run stay apart from earlier runs. */
export const randomPortalId = (): number => 100_000_000 + Math.floor(Math.random() * 899_999_999);
