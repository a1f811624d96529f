import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { KafkaPlatform, parseBrokers } from '@hubheap/kafka';
import type { TopicContract } from '@hubheap/schemas';
import { COMMON_CONFIG } from './common.config';
import { loadConfig } from './config';

const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');

interface KafkaModuleOptions {
  clientId: string;
  /** Topics this app produces to or consumes: created if missing, schemas registered at boot. */
  topics: ReadonlyArray<TopicContract<unknown>>;
}

/** Closes the platform on shutdown: consumers first, then the producer and admin. */
@Injectable()
class KafkaLifecycle implements OnApplicationShutdown {
  constructor(@Inject(KafkaPlatform) private readonly platform: KafkaPlatform) {}
  async onApplicationShutdown(): Promise<void> {
    await this.platform.close();
  }
}

/** Provides the app's KafkaPlatform, connected and provisioned, from KAFKA_BROKERS / SCHEMA_REGISTRY_URL. */
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        { provide: KAFKA_OPTIONS, useValue: options },
        {
          provide: KafkaPlatform,
          inject: [KAFKA_OPTIONS],
          useFactory: async (opts: KafkaModuleOptions) => {
            const common = loadConfig(COMMON_CONFIG);
            const platform = new KafkaPlatform(
              {
                brokers: parseBrokers(common.kafkaBrokers),
                clientId: opts.clientId,
                registryUrl: common.schemaRegistryUrl,
              },
              new Logger('kafka'),
            );
            await platform.provision(opts.topics);
            return platform;
          },
        },
        KafkaLifecycle,
      ],
      exports: [KafkaPlatform],
    };
  }
}
