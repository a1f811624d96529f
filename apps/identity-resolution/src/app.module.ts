import { Module } from '@nestjs/common';
import { HealthController } from '@hubheap/service';
import { IdentityResolutionModule } from './identity-resolution.module';

/** The identity-resolution process: the stream module plus `/health` and `/metrics`. */
@Module({
  imports: [IdentityResolutionModule.forRoot()],
  controllers: [HealthController],
})
export class AppModule {}
