import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { type INestApplication, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthController } from '@hubheap/service';
import { WebhookIntakeModule, type WebhookIntakeModuleOptions } from '../src/webhook-intake.module';

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

/** A running webhook-intake (same module as main.ts) on an ephemeral port. */
export interface IntakeApp {
  app: INestApplication;
  /** e.g. `http://127.0.0.1:43121` */
  baseUrl: string;
  logger: CapturingLogger;
  /** `POST /poller/run-once` over HTTP; the parsed body. */
  runOnce(): Promise<{ portals: Array<Record<string, unknown> & { portalId: number; status: string }> }>;
  close(): Promise<void>;
}

/**
 * Boots WebhookIntakeModule like main.ts does (raw body on, Nest's body parsers registered) with config
 * overrides, listening on 127.0.0.1:0. Kafka, registry and Postgres come from the stack env.
 */
export const startIntakeApp = async (options: WebhookIntakeModuleOptions = {}): Promise<IntakeApp> => {
  @Module({ imports: [WebhookIntakeModule.forRoot(options)], controllers: [HealthController] })
  class IntakeTestModule {}
  const logger = new CapturingLogger();
  const app = await NestFactory.create(IntakeTestModule, { rawBody: true, logger });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    logger,
    runOnce: async () => {
      const res = await fetch(`${baseUrl}/poller/run-once`, { method: 'POST' });
      if (res.status !== 200) throw new Error(`run-once answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as Awaited<ReturnType<IntakeApp['runOnce']>>;
    },
    close: () => app.close(),
  };
};

/** A random 9-digit portal id, unique enough to tell this test's records apart on shared topics. */
export const randomPortalId = (): number => 100_000_000 + Math.floor(Math.random() * 899_999_999);
