import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { INTAKE_CONFIG, type WebhookIntakeConfig } from '../webhook-intake.config';
import { WebhookIntakeService } from './webhook-intake.service';
import type { WebhookDelivery } from './webhook-request.planner';

/**
 * `POST /webhooks/hubspot` (hubspot-api.md §1): 200 `{accepted}` once Kafka acked the batch;
 * 413 body too large, 401 signature, 415 content type, 400 batch, 503 Kafka or secret missing
 * (all `{error, reason}`). The body arrives as raw bytes (webhook-body.middleware.ts).
 */
@Controller()
export class HubSpotWebhookController {
  constructor(
    private readonly intake: WebhookIntakeService,
    @Inject(INTAKE_CONFIG) private readonly config: WebhookIntakeConfig,
  ) {}

  @Post('webhooks/hubspot')
  async receive(@Req() req: Request, @Res() res: Response): Promise<void> {
    const answer = await this.intake.accept(this.deliveryOf(req, Date.now()));
    res.status(answer.status).set(answer.headers).json(answer.body);
  }

  private deliveryOf(req: Request, receivedAt: number): WebhookDelivery {
    const body: unknown = req.body;
    return {
      method: req.method,
      uri: this.config.webhookPublicUrl ?? `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}`,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : value,
        ]),
      ),
      rawBody: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
      receivedAt,
    };
  }
}
