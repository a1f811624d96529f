// Docker HEALTHCHECK of the app images: exit 0 when GET /health answers 2xx within 3 s, else 1.
// PORT as the app reads it; when unset, the app's own default (its *.config.ts).
'use strict';

const DEFAULT_PORTS = { 'webhook-intake': 3001, 'identity-resolution': 3002, 'heap-writer': 3003 };
const port = process.env.PORT || DEFAULT_PORTS[process.env.APP];

fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(3000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
