import { Logger } from '@nestjs/common';
import { bootstrapService } from '@hubheap/service';
import { AppModule } from './app.module';
import { loadPropertySyncConfig } from './property-sync.config';

/** Entry point: `node -r @swc-node/register apps/property-sync/src/main.ts` (config from the environment). */
const main = async (): Promise<void> => {
  const config = loadPropertySyncConfig();
  await bootstrapService(AppModule, { name: 'property-sync', port: config.port, host: config.host });
};

main().catch((error: unknown) => {
  new Logger('property-sync').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
