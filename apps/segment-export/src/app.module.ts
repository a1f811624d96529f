import { Module } from '@nestjs/common';
import { HealthController } from '@hubheap/service';
import { SegmentExportModule } from './segment-export.module';

/** The segment-export process: the module plus `/health` and `/metrics`. */
@Module({ imports: [SegmentExportModule.forRoot()], controllers: [HealthController] })
export class AppModule {}
