import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** `"schema"."table"` of an entity in the DataSource's schema, for the few raw SQL statements. */
export const tableOf = (m: EntityManager, entity: EntityTarget<ObjectLiteral>): string => {
  const meta = m.connection.getMetadata(entity);
  const schema = meta.schema ?? (m.connection.options as { schema?: string }).schema ?? 'public';
  return `"${schema}"."${meta.tableName}"`;
};
