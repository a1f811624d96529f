import { Module } from '@nestjs/common';
import { HealthController } from '@hubheap/service';
import { PropertySyncModule } from './property-sync.module';

/** The property-sync process: the stream module plus `/health` and `/metrics`. */
@Module({
  imports: [PropertySyncModule.forRoot()],
  controllers: [HealthController],
})
export class AppModule {}
