import { Logger } from '@nestjs/common';
import { bootstrapService } from '@hubheap/service';
import { AppModule } from './app.module';
import { loadControlApiConfig } from './control-api.config';
import { setupOpenApi } from './http/openapi';

/** Entry point: `node -r @swc-node/register apps/control-api/src/main.ts` (config from the environment). */
const main = async (): Promise<void> => {
  const { port, host } = loadControlApiConfig();
  await bootstrapService(AppModule, { name: 'control-api', port, host, configure: setupOpenApi });
};

main().catch((error: unknown) => {
  new Logger('control-api').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
