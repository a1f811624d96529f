import { Logger } from '@nestjs/common';
import { bootstrapService } from '@hubheap/service';
import { AppModule } from './app.module';
import { loadIntakeConfig } from './webhook-intake.config';

/** Entry point: `node -r @swc-node/register apps/webhook-intake/src/main.ts` (config from the environment). */
const main = async (): Promise<void> => {
  const { port, host } = loadIntakeConfig();
  await bootstrapService(AppModule, { name: 'webhook-intake', port, host, rawBody: true });
};

main().catch((error: unknown) => {
  new Logger('webhook-intake').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
