import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  Res,
  BadRequestException,
} from '@nestjs/common';
import type { Response } from 'express';
import { MembershipRepository } from '../database/membership.repository';
import { SegmentRepository } from '../database/segment.repository';
import { SyncRunRepository } from '../database/sync-run.repository';
import { SYNC_MODES, type SyncMode } from '../sync/sync-mode.rules';
import { SyncService } from '../sync/sync.service';
import { pageOf, portalIdOf } from './paging';
import { runView, segmentView } from './views';

/**
 * Segment settings and syncs, shaped for the future control plane (errors are `{error}`):
 * - `PUT /segments/:portalId/:segmentId/sync-mode` `{mode}` → 200 segment; 400 bad mode; 409 31st recurring;
 * - `POST /segments/:portalId/:segmentId/sync-now[?wait=true]` → 202 `{runId}` (200 run when waiting);
 *   404 unknown segment; 409 a sync of it is running;
 * - `GET /segments/:portalId/:segmentId` and `GET /segments/:portalId/:segmentId/runs?limit&offset`.
 */
@Controller('segments/:portalId/:segmentId')
export class SegmentsController {
  constructor(
    private readonly segments: SegmentRepository,
    private readonly membership: MembershipRepository,
    private readonly runs: SyncRunRepository,
    private readonly syncs: SyncService,
  ) {}

  @Get()
  async get(@Param('portalId') portalId: string, @Param('segmentId') segmentId: string) {
    const key = { portalId: portalIdOf(portalId), segmentId };
    const segment = await this.segments.find(key);
    if (!segment) throw new NotFoundException({ error: 'unknown segment' });
    return segmentView(segment, (await this.membership.presentValues(key.portalId, segmentId)).length);
  }

  @Put('sync-mode')
  async setMode(
    @Param('portalId') portalId: string,
    @Param('segmentId') segmentId: string,
    @Body() body: unknown,
  ) {
    const requested = (body as { mode?: unknown } | undefined)?.mode;
    // control-api (and the admin page) spell it `one-time`; both spellings are accepted here.
    const mode = requested === 'one-time' ? 'one_time' : requested;
    if (!SYNC_MODES.includes(mode as SyncMode))
      throw new BadRequestException({
        error: `mode must be one of ${SYNC_MODES.join(', ')} (one-time is accepted for one_time)`,
      });
    const change = await this.segments.setMode(
      { portalId: portalIdOf(portalId), segmentId },
      mode as SyncMode,
      Date.now(),
    );
    if (!change.ok) throw new ConflictException({ error: change.error });
    return segmentView(change.segment);
  }

  @Post('sync-now')
  @HttpCode(202)
  async syncNow(
    @Param('portalId') portalId: string,
    @Param('segmentId') segmentId: string,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const started = await this.syncs.start({ portalId: portalIdOf(portalId), segmentId }, 'now');
    if (started.kind === 'unknown-segment')
      throw new NotFoundException({ error: 'unknown segment: no Heap page and no sync mode yet' });
    if (started.kind === 'busy')
      throw new ConflictException({ error: 'a sync of this segment is already running' });
    if (wait !== 'true') return { runId: started.run.id, status: started.run.status };
    res.status(200);
    return runView(await started.done);
  }

  @Get('runs')
  async list(
    @Param('portalId') portalId: string,
    @Param('segmentId') segmentId: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ) {
    const page = pageOf(limit, offset, 20, 100);
    const runs = await this.runs.forSegment(
      { portalId: portalIdOf(portalId), segmentId },
      page.limit,
      page.offset,
    );
    return { runs: runs.map(runView), ...page };
  }
}
