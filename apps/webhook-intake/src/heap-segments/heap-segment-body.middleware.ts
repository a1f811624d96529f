import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { INTAKE_CONFIG, type WebhookIntakeConfig } from '../webhook-intake.config';
import { rawWebhookBody } from '../webhook/webhook-body.middleware';
import { HEAP_SEGMENTS_WEBHOOK_PATH } from './heap-segment-webhook.controller';

/**
 * Mounts the raw-body reader on `/webhooks/heap/segments` before Nest's global JSON parser (same trick
 * as WebhookBodyParserInstaller): the HMAC covers the exact bytes Heap sent, so they must never be
 * parsed and re-serialised first (heap-api.md §8.1), and the JSON parser's 100 kB limit must not apply.
 */
@Injectable()
export class HeapSegmentBodyParserInstaller {
  constructor(adapterHost: HttpAdapterHost, @Inject(INTAKE_CONFIG) config: WebhookIntakeConfig) {
    adapterHost.init$.subscribe(() => {
      adapterHost.httpAdapter.use(HEAP_SEGMENTS_WEBHOOK_PATH, rawWebhookBody(config.webhookMaxBodyBytes));
    });
  }
}
