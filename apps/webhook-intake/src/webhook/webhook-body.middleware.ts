import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { raw, type NextFunction, type Request, type Response } from 'express';
import { INTAKE_CONFIG, type WebhookIntakeConfig } from '../webhook-intake.config';

/** Route of HubSpot webhook deliveries. */
export const HUBSPOT_WEBHOOK_PATH = '/webhooks/hubspot';

/**
 * Express middleware that reads the whole body of any content type into `req.body` as a Buffer, up to
 * `maxBytes`. A larger body is answered 413 `{ error, reason }` right here; other read failures
 * (aborted upload, unknown Content-Encoding) get their own 4xx. Nothing is parsed as JSON.
 */
export const rawWebhookBody = (maxBytes: number) => {
  const read = raw({ type: () => true, limit: maxBytes });
  return (req: Request, res: Response, next: NextFunction): void => {
    read(req, res, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const status = httpStatusOf(error);
      const reason = error instanceof Error ? error.message : String(error);
      res.status(status).json({ error: status === 413 ? 'payload_too_large' : 'unreadable_body', reason });
    });
  };
};

const httpStatusOf = (error: unknown): number => {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 400;
};

/**
 * Mounts {@link rawWebhookBody} on `/webhooks/hubspot` as soon as the HTTP adapter exists, that is before
 * Nest registers its global JSON parser (`NestApplication.init`). The body is then already consumed
 * when that parser runs, so it skips the request: a JSON syntax error or its 100 kB limit can never
 * answer before the size and signature checks.
 */
@Injectable()
export class WebhookBodyParserInstaller {
  constructor(adapterHost: HttpAdapterHost, @Inject(INTAKE_CONFIG) config: WebhookIntakeConfig) {
    adapterHost.init$.subscribe(() => {
      adapterHost.httpAdapter.use(HUBSPOT_WEBHOOK_PATH, rawWebhookBody(config.webhookMaxBodyBytes));
    });
  }
}
