// `npm run headers`: writes the static-host header files (public/_headers, docs/deploy/nginx.conf and
// Caddyfile) from the one source, src/server/security-headers.ts. PERSONAYOU_CONNECT_SRC adds model origins.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectSrcFromEnv } from '../server/security-headers';
import { staticHostFiles } from '../server/static-host-files';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
for (const file of staticHostFiles({ extraConnectSrc: connectSrcFromEnv(process.env['PERSONAYOU_CONNECT_SRC']) })) {
  const target = resolve(ROOT, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.text);
  console.log(`wrote ${file.path}`);
}
