import { Logger } from '@nestjs/common';
import { bootstrapService } from '@hubheap/service';
import { AppModule } from './app.module';
import { loadHeapWriterConfig } from './heap-writer.config';

/** Entry point: `node -r @swc-node/register apps/heap-writer/src/main.ts` (config from the environment). */
const main = async (): Promise<void> => {
  const config = loadHeapWriterConfig();
  await bootstrapService(AppModule, { name: 'heap-writer', port: config.port, host: config.host });
};

main().catch((error: unknown) => {
  new Logger('heap-writer').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
