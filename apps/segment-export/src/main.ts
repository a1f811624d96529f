import { Logger } from '@nestjs/common';
import { bootstrapService } from '@hubheap/service';
import { AppModule } from './app.module';
import { loadSegmentExportConfig } from './segment-export.config';

/** Entry point: `node -r @swc-node/register apps/segment-export/src/main.ts` (config from the environment). */
const main = async (): Promise<void> => {
  const { port, host } = loadSegmentExportConfig();
  await bootstrapService(AppModule, { name: 'segment-export', port, host });
};

main().catch((error: unknown) => {
  new Logger('segment-export').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
