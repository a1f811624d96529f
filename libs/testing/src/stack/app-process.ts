import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../eventually';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/** One service running as its own OS process, as deployed. */
export interface AppProcess {
  name: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed (stdout and stderr), for assertions and failure messages. */
  output: () => string;
  /** Peak resident set size so far (VmHWM from /proc), in bytes; 0 when unavailable. */
  peakRssBytes: () => number;
  /** SIGTERM, then waits for exit (SIGKILL after `graceMs`); resolves with the time it took in ms. */
  stop: (graceMs?: number) => Promise<number>;
  /** SIGKILL, no grace: a crash. */
  kill: () => Promise<void>;
}

/**
 * Starts `apps/<name>/src/main.ts` in a child Node process (the same Node as the tests) with `env`
 * added to the current environment, and waits until `GET /health` answers (deadline `timeoutMs`).
 * Throws with the process output when it exits or does not become healthy in time.
 */
export const startApp = async (
  name: string,
  port: number,
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<AppProcess> => {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join('apps', name, 'src', 'main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_FORMAT: 'text', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const app: AppProcess = {
    name,
    port,
    child,
    output: () => output,
    peakRssBytes: () => {
      try {
        const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb ? Number(kb) * 1024 : 0;
      } catch {
        return 0;
      }
    },
    stop: async (graceMs = 12_000) => {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return Date.now() - started;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        if (!res.ok) throw new Error(`${name} /health answered ${res.status}`);
      },
      { timeoutMs, intervalMs: 200, message: `${name} did not become healthy` },
    );
  } catch (error) {
    await app.kill();
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${output}`);
  }
  return app;
};

/** Picks a free TCP port on 127.0.0.1 (asks the OS for an ephemeral one). */
export const freePort = async (): Promise<number> => {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
};
