import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HeapSegmentIntakeService } from './heap-segment-intake.service';

/** Route of Heap Segments Sync deliveries. */
export const HEAP_SEGMENTS_WEBHOOK_PATH = '/webhooks/heap/segments';

/**
 * `POST /webhooks/heap/segments` (heap-api.md §8.1): 200 `{status:"ok"}` once the page is on
 * `heap.segment-deltas.v1`; 403 signature; 400 payload; 413 body too large; 503 not configured, control-api or Kafka
 * (all `{error, reason}`). The body arrives as raw bytes (heap-segment-body.middleware.ts).
 */
@Controller()
export class HeapSegmentWebhookController {
  constructor(private readonly intake: HeapSegmentIntakeService) {}

  @Post('webhooks/heap/segments')
  async receive(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body: unknown = req.body;
    const answer = await this.intake.accept({
      heapHash: req.get('heap-hash'),
      rawBody: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
      receivedAt: Date.now(),
    });
    res.status(answer.status).set(answer.headers).json(answer.body);
  }
}
