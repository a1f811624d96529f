import { Module } from '@nestjs/common';
import { HealthController } from '@hubheap/service';
import { ControlApiModule } from './control-api.module';

/** The control-api process: the module plus `/health` and `/metrics`. */
@Module({ imports: [ControlApiModule.forRoot()], controllers: [HealthController] })
export class AppModule {}
