/**
 * Record values that are not Confluent-framed Avro of the topic's schema (magic byte 0, 4-byte
 * big-endian schema id, Avro body). Every one must be dead-lettered with errorClass `decode`.
 * `validSchemaId` is the topic's real id, for a frame whose body is cut short. A tombstone (null
 * value) has no bytes to decode and is dead-lettered the same way.
 */
export const poisonValues = (validSchemaId: number): Array<{ name: string; value: Buffer | null }> => {
  const frame = (magic: number, schemaId: number, body: Buffer): Buffer => {
    const header = Buffer.alloc(5);
    header.writeUInt8(magic, 0);
    header.writeUInt32BE(schemaId, 1);
    return Buffer.concat([header, body]);
  };
  return [
    { name: 'wrong magic byte', value: frame(7, validSchemaId, Buffer.from([2, 4, 6])) },
    { name: 'unknown schema id 999999', value: frame(0, 999_999, Buffer.from('not avro')) },
    { name: 'truncated Avro body', value: frame(0, validSchemaId, Buffer.from([0x02])) },
    { name: 'plain JSON bytes', value: Buffer.from('{"portalId":1,"id":"x"}') },
    { name: 'shorter than the 5-byte header', value: Buffer.from([0, 0]) },
    { name: 'tombstone (null value)', value: null },
  ];
};
