import { type AppProcess, freePort, startApp } from '@hubheap/testing';
import { FAULT_APPS, type FaultApp } from './fault-schedule';

/** Something the suite saw that a correct system should not do (printed as a finding). */
export interface FleetFinding {
  app: FaultApp;
  atMs: number;
  what: string;
  outputTail: string;
}

const tail = (text: string, lines = 15): string => text.trimEnd().split('\n').slice(-lines).join('\n');

/**
 * The three services, each its own process with a fixed env (and, for the consumers, a fixed group).
 * `kill` is a SIGKILL followed by a restart; `checkAlive` restarts any process that died on its own and
 * records it as a finding. Restarts retry (bounded) because one can land while the broker is down.
 */
export class AppFleet {
  readonly findings: FleetFinding[] = [];
  kills = 0;
  restarts = 0;
  private readonly apps = new Map<FaultApp, AppProcess>();
  private readonly deadOutputs: string[] = [];

  constructor(
    private readonly envOf: (app: FaultApp) => Record<string, string>,
    private readonly elapsed: () => number,
    private readonly log: (line: string) => void,
  ) {}

  async startAll(): Promise<void> {
    await Promise.all(FAULT_APPS.map((app) => this.start(app, false)));
  }

  get(app: FaultApp): AppProcess {
    const process = this.apps.get(app);
    if (!process) throw new Error(`${app} is not running`);
    return process;
  }

  /** SIGKILL (a crash at a random moment), then the same app with the same env and group. */
  async kill(app: FaultApp): Promise<void> {
    await this.apps.get(app)?.kill();
    this.kills += 1;
    this.remember(app);
    this.log(`kill -9 ${app}`);
    await this.start(app, true);
  }

  /** Restarts every app that exited without being killed by the suite; each one is a finding. */
  async checkAlive(): Promise<void> {
    for (const app of FAULT_APPS) {
      const process = this.apps.get(app);
      if (!process || (process.child.exitCode === null && process.child.signalCode === null)) continue;
      const what = `exited on its own (code ${process.child.exitCode}, signal ${process.child.signalCode})`;
      this.findings.push({ app, atMs: this.elapsed(), what, outputTail: tail(process.output()) });
      this.log(`FINDING: ${app} ${what}; restarting`);
      this.remember(app);
      await this.start(app, true);
    }
  }

  /** Every output line of every process so far (dead ones included) matching `pattern`. */
  grep(pattern: RegExp): string[] {
    const live = [...this.apps.values()].map((a) => a.output());
    return [...this.deadOutputs, ...live].flatMap((text) =>
      text.split('\n').filter((line) => pattern.test(line)),
    );
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.apps.values()].map((a) => a.stop()));
  }

  private remember(app: FaultApp): void {
    const process = this.apps.get(app);
    if (process) this.deadOutputs.push(process.output());
    this.apps.delete(app);
  }

  private async start(app: FaultApp, restart: boolean, attempts = 6): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const started = await startApp(app, await freePort(), this.envOf(app), 60_000);
        if (restart) this.restarts += 1;
        this.apps.set(app, started);
        return;
      } catch (error) {
        const what = `did not start (attempt ${attempt}/${attempts})`;
        this.findings.push({ app, atMs: this.elapsed(), what, outputTail: tail((error as Error).message) });
        this.log(`${app} ${what}`);
        if (attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
    }
  }
}
