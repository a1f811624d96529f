import { Module } from '@nestjs/common';
import { HealthController } from '@hubheap/service';
import { WebhookIntakeModule } from './webhook-intake.module';

/** The webhook-intake process: webhooks, the email events poller, `/health` and `/metrics`. */
@Module({
  imports: [WebhookIntakeModule.forRoot()],
  controllers: [HealthController],
})
export class AppModule {}
