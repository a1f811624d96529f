import { Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { HubSpotAuthService, OAuthCallbackError } from '../hubspot/hubspot-auth.service';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (res: Response, status: number, title: string, message: string): void => {
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
        `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/admin">Back to the admin page</a></p></body></html>`,
    );
};

/**
 * `GET /oauth/hubspot/callback?code=&state=` — HubSpot's redirect after install (hubspot-api.md §5.1).
 * No bearer: the single-use `state` proves the install was started by an admin for that tenant.
 * Success → 302 to `/admin#tenant=<id>`; bad state, refusal (`?error=`) or another account → 400 page;
 * HubSpot unreachable → 502 page. Query values are never logged (the code is a credential).
 */
@ApiExcludeController()
@Controller('oauth/hubspot')
export class OAuthCallbackController {
  private readonly logger = new Logger(OAuthCallbackController.name);

  constructor(@Inject(HubSpotAuthService) private readonly hubspot: HubSpotAuthService) {}

  @Get('callback')
  async callback(
    @Res() res: Response,
    @Query('code') code?: string,
    @Query('state') state?: string,
    @Query('error') error?: string,
    @Query('error_description') description?: string,
  ): Promise<void> {
    if (error) {
      return page(
        res,
        400,
        'HubSpot install not completed',
        `HubSpot answered ${error}${description ? `: ${description}` : ''}.`,
      );
    }
    if (typeof code !== 'string' || typeof state !== 'string' || !code || !state) {
      return page(
        res,
        400,
        'HubSpot install not completed',
        'The callback lacks code or state. Start the install again.',
      );
    }
    try {
      const tenantId = await this.hubspot.completeInstall(code, state);
      res.redirect(302, `/admin#tenant=${encodeURIComponent(tenantId)}`);
    } catch (failure) {
      if (failure instanceof OAuthCallbackError) {
        return page(res, 400, 'HubSpot install not completed', failure.message);
      }
      this.logger.error(`OAuth callback failed: ${(failure as Error).message}`);
      return page(
        res,
        502,
        'HubSpot install not completed',
        'HubSpot could not be reached. Start the install again.',
      );
    }
  }
}
