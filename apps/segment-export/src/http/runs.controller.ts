import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
} from '@nestjs/common';
import { SyncRunRepository } from '../database/sync-run.repository';
import type { MemberOutcome } from '../sync/list-sync.planner';
import { pageOf } from './paging';
import { memberView, runView } from './views';

const OUTCOMES: ReadonlyArray<MemberOutcome> = [
  'added',
  'removed',
  'already_present',
  'not_in_hubspot',
  'empty_match_value',
  'error',
];

/**
 * `GET /runs/:runId?limit=&offset=&outcome=` → the run (status, counts, times) and one page of its
 * per-member outcomes in report order: `{run, members, total, limit, offset}`; 404 unknown run.
 */
@Controller('runs')
export class RunsController {
  constructor(private readonly runs: SyncRunRepository) {}

  @Get(':runId')
  async get(
    @Param('runId', new ParseUUIDPipe()) runId: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
    @Query('outcome') outcome?: string,
  ) {
    if (outcome !== undefined && !OUTCOMES.includes(outcome as MemberOutcome)) {
      throw new BadRequestException({ error: `outcome must be one of ${OUTCOMES.join(', ')}` });
    }
    const run = await this.runs.get(runId);
    if (!run) throw new NotFoundException({ error: 'unknown run' });
    const page = pageOf(limit, offset);
    const { total, members } = await this.runs.members(runId, {
      ...page,
      outcome: outcome as MemberOutcome | undefined,
    });
    return { run: runView(run), members: members.map(memberView), total, ...page };
  }
}
