import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Request bodies as OpenAPI schemas. Validation itself is done by the zod schemas (ZodBody).

export class CreateKeyDto {
  @ApiProperty({ enum: ['admin', 'read-only'] }) role!: string;
  @ApiProperty({ type: [String], example: ['*'], description: '`["*"]` or tenant ids' }) tenants!: string[];
  @ApiPropertyOptional() label?: string;
}

export class CreateTenantDto {
  @ApiProperty({ example: 62515, description: 'HubSpot portal (hub) id' }) portalId!: number;
  @ApiProperty({ example: '1234567890', description: 'Heap app_id (environment id)' }) heapAppId!: string;
  @ApiPropertyOptional() name?: string;
}

export class PrivateAppTokenDto {
  @ApiProperty({ description: 'HubSpot private-app access token (hubspot-api.md §5.3); stored encrypted' })
  token!: string;
}

export class HeapSecretsDto {
  @ApiPropertyOptional({ description: 'Heap API key for user deletion (heap-api.md §7); stored encrypted' })
  apiKey?: string;
  @ApiPropertyOptional({ description: 'Segments Sync webhook secret (heap-api.md §8.1); stored encrypted' })
  segmentsWebhookSecret?: string;
}

export class SettingsPatchDto {
  @ApiPropertyOptional() sourceEnabled?: boolean;
  @ApiPropertyOptional({ example: 'identity', description: '`identity` or a custom Heap user property' })
  emailProperty?: string;
  @ApiPropertyOptional({ example: 'email' }) heapMatchProperty?: string;
  @ApiPropertyOptional({ example: 'email' }) hubspotMatchProperty?: string;
}

export class SegmentModeDto {
  @ApiProperty({ enum: ['off', 'one-time', 'recurring'] }) mode!: string;
  @ApiPropertyOptional() name?: string;
}
