export * from './heap.limits';
export * from './heap.errors';
export * from './properties.mapper';
export * from './track.client';
export * from './bulk-writer';
export * from './heap-hash';
export * from './user-deletion.client';
export * from './heap-credentials.provider';
