export * from './stack-env';
export * from './test-platform';
export * from './app-process';
export * from './kafka-probe';
export * from './browser';
export * from './migrations';
