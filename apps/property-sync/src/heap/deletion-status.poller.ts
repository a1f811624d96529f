import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { UserDeletionsService } from './user-deletions.service';

/** Injection token of the poll interval (ms, DELETION_STATUS_POLL_MS). */
export const DELETION_STATUS_POLL_MS = Symbol('DELETION_STATUS_POLL_MS');

/**
 * Every `DELETION_STATUS_POLL_MS`, refreshes pending Heap deletion requests (heap-api.md §7.3, §11
 * "poll status until complete"). Failures are logged and tried again at the next tick.
 */
@Injectable()
export class DeletionStatusPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeletionStatusPoller.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(UserDeletionsService) private readonly deletions: UserDeletionsService,
    @Inject(DELETION_STATUS_POLL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass (skipped while the previous one runs). */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.deletions
      .refreshPending()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn(`deletion status refresh failed: ${String(error)}`))
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }
}
