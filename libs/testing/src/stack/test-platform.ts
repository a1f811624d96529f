import { KafkaPlatform, parseBrokers, type PlatformLogger } from '@hubheap/kafka';
import { stackEndpoints } from './stack-env';

/** A logger that keeps lines in memory (tests can assert on them; nothing is printed unless DEBUG). */
export class MemoryLogger implements PlatformLogger {
  readonly lines: string[] = [];
  log(message: string): void {
    this.push('log', message);
  }
  warn(message: string): void {
    this.push('warn', message);
  }
  error(message: string): void {
    this.push('error', message);
  }
  private push(level: string, message: string): void {
    this.lines.push(`${level}: ${message}`);
    if (process.env['DEBUG']) process.stderr.write(`${level}: ${message}\n`);
  }
}

/** A KafkaPlatform against the test stack; close it in afterAll. */
export const testPlatform = (
  clientId: string,
  logger: PlatformLogger = new MemoryLogger(),
): KafkaPlatform => {
  const { kafkaBrokers, schemaRegistryUrl } = stackEndpoints();
  return new KafkaPlatform(
    { brokers: parseBrokers(kafkaBrokers), clientId, registryUrl: schemaRegistryUrl },
    logger,
  );
};
