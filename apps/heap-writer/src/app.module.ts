import { Module } from '@nestjs/common';
import { HealthController } from '@hubheap/service';
import { HeapWriterModule } from './heap-writer.module';

/** The heap-writer process: the stream module plus `/health` and `/metrics`. */
@Module({
  imports: [HeapWriterModule.forRoot()],
  controllers: [HealthController],
})
export class AppModule {}
