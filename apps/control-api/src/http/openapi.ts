import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Serves the OpenAPI document: UI at `/docs`, JSON at `/docs-json`. */
export const setupOpenApi = (app: INestApplication): void => {
  const config = new DocumentBuilder()
    .setTitle('control-api')
    .setDescription(
      'Tenants (HubSpot portal ⇄ Heap app_id), HubSpot authorisation, Heap credentials, settings published on integration.settings.v1, status, disconnect. Admin routes need `Authorization: Bearer <API key>`; /internal routes the INTERNAL_API_KEY.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), {
    jsonDocumentUrl: 'docs-json',
  });
};
