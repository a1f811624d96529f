import { type ArgumentsHost, BadRequestException, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';

/**
 * Invalid JSON bodies answer `{error: "request body is not valid JSON"}` without echoing the body:
 * Nest maps body-parser's SyntaxError to a BadRequestException whose message quotes the start of
 * the body, which may be a secret (a token pasted as the whole body). Our own 400s carry `{error}`
 * and pass through; everything else gets Nest's default handling.
 */
@Catch()
export class BodyErrorsFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof BadRequestException) {
      const response = exception.getResponse() as { message?: unknown; error?: unknown };
      const fromParser =
        typeof response === 'object' &&
        response.error === 'Bad Request' &&
        typeof response.message === 'string' &&
        /JSON/.test(response.message);
      if (fromParser) {
        host
          .switchToHttp()
          .getResponse<Response>()
          .status(400)
          .json({ error: 'request body is not valid JSON' });
        return;
      }
    }
    super.catch(exception, host);
  }
}
