import { Controller, HttpCode, Post } from '@nestjs/common';
import { EmailPollScheduler, type PortalPollResult } from './email-poll-scheduler.service';

/**
 * `POST /poller/run-once`: polls every configured portal now and answers 200 with
 * `{ portals: [{ portalId, status, produced, fetched, windows, watermark, error? }] }` once done
 * (`status`: polled | not-leader | auth-error | retriable-error | error). For operators and tests;
 * route only internal traffic here.
 */
@Controller('poller')
export class PollerController {
  constructor(private readonly scheduler: EmailPollScheduler) {}

  @Post('run-once')
  @HttpCode(200)
  async runOnce(): Promise<{ portals: PortalPollResult[] }> {
    return { portals: await this.scheduler.runOnce() };
  }
}
