import { Logger } from '@nestjs/common';
import { bootstrapService } from '@hubheap/service';
import { AppModule } from './app.module';
import { loadIdentityResolutionConfig } from './identity-resolution.config';

/** Entry point: `node -r @swc-node/register apps/identity-resolution/src/main.ts` (config from the environment). */
const main = async (): Promise<void> => {
  const config = loadIdentityResolutionConfig();
  await bootstrapService(AppModule, { name: 'identity-resolution', port: config.port, host: config.host });
};

main().catch((error: unknown) => {
  new Logger('identity-resolution').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
