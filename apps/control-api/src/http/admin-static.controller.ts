import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';

/** Where the admin page's files live (`apps/control-api/src/admin/static`). */
export const DEFAULT_ADMIN_STATIC_DIR = join(__dirname, '..', 'admin', 'static');

/** Injection token of the admin page's directory (tests point it elsewhere). */
export const ADMIN_STATIC_DIR = Symbol('ADMIN_STATIC_DIR');

/**
 * The admin web page: `GET /admin` → `index.html`, `GET /admin/<file>` → that file. The page itself
 * is public; every API call it makes needs a bearer key. `sendFile` with `root` refuses `..` paths.
 */
@ApiExcludeController()
@Controller('admin')
export class AdminStaticController {
  constructor(@Inject(ADMIN_STATIC_DIR) private readonly dir: string) {}

  @Get()
  index(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get('*path')
  file(@Req() req: Request, @Res() res: Response): void {
    const relative = decodeURIComponent(req.path.replace(/^\/admin\/?/, '')) || 'index.html';
    this.send(res, relative);
  }

  private send(res: Response, relative: string): void {
    if (!existsSync(join(this.dir, 'index.html'))) {
      throw new NotFoundException({ error: 'the admin page is not built into this image' });
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(relative, { root: this.dir, dotfiles: 'deny' }, (error) => {
      if (error && !res.headersSent) res.status(404).json({ error: 'not found' });
    });
  }
}
