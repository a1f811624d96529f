export * from './stack-env';
export * from './test-platform';
