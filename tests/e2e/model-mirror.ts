// A second origin that serves the test models the way the model hub does: hub paths
// (`<model>/resolve/<revision>/<file>`), CORS headers for any origin, real 404s. The e2e tests point the
// app's model source at it to prove cross-origin model downloads work under COEP and the CSP.
// Usage: tsx tests/e2e/model-mirror.ts <port> <folder>[:<folder>...]

import { createServer } from 'node:http';
import { delimiter, resolve } from 'node:path';
import { modelsMiddleware } from '../../src/server/serve-models';

const port = Number(process.argv[2]);
const roots = (process.argv[3] ?? '')
  .split(delimiter)
  .filter((r) => r !== '')
  .map((r) => resolve(r));
if (!Number.isInteger(port) || roots.length === 0) {
  console.error('usage: model-mirror.ts <port> <folder>[:<folder>...]');
  process.exit(2);
}
const serve = modelsMiddleware(roots);

createServer((req, res) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Length, ETag');
  if (req.method === 'OPTIONS') {
    res.statusCode = 204;
    res.end();
    return;
  }
  // The hub layout on top of the plain folders: /<model>/resolve/main/<file> -> /<model>/<file>.
  const path = (req.url ?? '/').replace(/\/resolve\/[^/]+\//, '/');
  req.url = `/models${path}`;
  serve(req, res, () => {
    res.statusCode = 404;
    res.end('Not found');
  });
}).listen(port, '127.0.0.1', () => console.log(`model mirror on http://127.0.0.1:${port}/`));
