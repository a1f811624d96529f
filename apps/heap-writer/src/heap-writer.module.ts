import { type DynamicModule, Module } from '@nestjs/common';
import { register } from 'prom-client';
import { HeapClient } from '@hubheap/heap';
import { HEAP_TRACK_EVENTS, INTEGRATION_STATUS, type TopicContract } from '@hubheap/schemas';
import { KafkaModule } from '@hubheap/service';
import { type HeapWriterConfig, loadHeapWriterConfig } from './heap-writer.config';
import { HeapWriterMetrics } from './heap-writer.metrics';
import { STATUS_REPORT_INTERVAL_MS, StatusReporter } from './status-reporter.service';
import {
  TRACK_EVENTS_CONSUMER_OPTIONS,
  TrackEventsConsumer,
  type TrackEventsConsumerOptions,
} from './track-events.consumer';

/** Injection token of the validated {@link HeapWriterConfig}. */
export const HEAP_WRITER_CONFIG_TOKEN = Symbol('HEAP_WRITER_CONFIG');

/**
 * heap-writer's wiring: KafkaPlatform (provisions `heap.track-events.v1`, `integration.status.v1` and
 * their `.dlq`), the Heap client, metrics on the process registry, the status reporter and the
 * track-events consumer, which starts on bootstrap.
 * Configuration is read from the environment when the module is instantiated (not when imported);
 * `overrides` replace single values (tests pass a Heap fake URL and a unique consumer group).
 */
@Module({})
export class HeapWriterModule {
  static forRoot(overrides: Partial<HeapWriterConfig> = {}): DynamicModule {
    return {
      module: HeapWriterModule,
      imports: [
        KafkaModule.forRoot({
          clientId: 'heap-writer',
          topics: [HEAP_TRACK_EVENTS, INTEGRATION_STATUS] as ReadonlyArray<TopicContract<unknown>>,
        }),
      ],
      providers: [
        {
          provide: HEAP_WRITER_CONFIG_TOKEN,
          useFactory: (): HeapWriterConfig => ({ ...loadHeapWriterConfig(), ...overrides }),
        },
        {
          provide: HeapClient,
          inject: [HEAP_WRITER_CONFIG_TOKEN],
          useFactory: (config: HeapWriterConfig) =>
            new HeapClient({ baseUrl: config.heapBaseUrl, timeoutMs: config.heapTimeoutMs }),
        },
        { provide: HeapWriterMetrics, useFactory: () => new HeapWriterMetrics(register) },
        {
          provide: TRACK_EVENTS_CONSUMER_OPTIONS,
          inject: [HEAP_WRITER_CONFIG_TOKEN],
          useFactory: (config: HeapWriterConfig): TrackEventsConsumerOptions => ({
            groupId: config.consumerGroup,
          }),
        },
        {
          provide: STATUS_REPORT_INTERVAL_MS,
          inject: [HEAP_WRITER_CONFIG_TOKEN],
          useFactory: (config: HeapWriterConfig) => config.statusReportIntervalMs,
        },
        StatusReporter,
        TrackEventsConsumer,
      ],
      exports: [TrackEventsConsumer, HeapWriterMetrics, StatusReporter, HEAP_WRITER_CONFIG_TOKEN],
    };
  }
}
