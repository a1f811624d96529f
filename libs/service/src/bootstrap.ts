import 'reflect-metadata';
import { ConsoleLogger, type INestApplication, type LoggerService, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** How a service starts. */
export interface BootstrapOptions {
  /** App name, used as log context and kafkajs clientId. */
  name: string;
  /** HTTP port (health, metrics, and the app's own endpoints). */
  port: number;
  /** Interface to bind; `127.0.0.1` locally, `0.0.0.0` in containers (env HOST). */
  host?: string;
  /** Keep the raw request body (`req.rawBody`), for webhook signature checks. */
  rawBody?: boolean;
  /** Hard deadline for a graceful shutdown after SIGTERM/SIGINT (ms). Default 10 000. */
  shutdownDeadlineMs?: number;
  /** Runs after the app is created and before it listens (e.g. OpenAPI docs, static files). */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/** The process-wide logger: JSON lines unless LOG_FORMAT=text. Never give it secrets. */
export const createLogger = (name: string): LoggerService =>
  new ConsoleLogger(name, { json: (process.env['LOG_FORMAT'] ?? 'json') === 'json', colors: false });

/**
 * Creates and starts a Nest app with shutdown hooks: on SIGTERM/SIGINT Nest runs each provider's
 * `onApplicationShutdown` (consumers stop without committing unfinished work, then producers and the
 * database close), and the process exits within `shutdownDeadlineMs` even if something hangs.
 */
export const bootstrapService = async (
  module: Type<unknown>,
  options: BootstrapOptions,
): Promise<INestApplication> => {
  const logger = createLogger(options.name);
  const app = await NestFactory.create(module, {
    logger,
    rawBody: options.rawBody ?? false,
    bufferLogs: false,
  });
  app.enableShutdownHooks();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`shutdown took longer than ${options.shutdownDeadlineMs ?? 10_000} ms; exiting`);
        process.exit(1);
      }, options.shutdownDeadlineMs ?? 10_000).unref();
    });
  }
  await options.configure?.(app);
  await app.listen(options.port, options.host ?? process.env['HOST'] ?? '127.0.0.1');
  logger.log(`${options.name} listening on ${await app.getUrl()}`);
  return app;
};
