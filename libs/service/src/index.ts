export * from './config';
export * from './common.config';
export * from './bootstrap';
export * from './kafka.module';
export * from './database';
export * from './health.controller';
export * from './metrics';
