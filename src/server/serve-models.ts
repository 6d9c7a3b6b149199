// Serves model folders at /models/ from the dev and preview servers: the real models `npm run models:real`
// puts in .models/ ("models on this server"), and for the tests PERSONAYOU_TEST_MODELS (folders separated by
// the path delimiter, `:`). Folders are overlaid, the first that has a file answers. Paths are resolved inside
// each folder (no `..` escape), and a missing file is a real 404: Vite's SPA fallback would answer index.html.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { delimiter, extname, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.gguf': 'application/octet-stream',
  '.js': 'text/javascript; charset=utf-8',
  '.bin': 'application/octet-stream',
};

/** The file under `root` for a URL path below /models/, or null when the path leaves the folder. */
export function resolveModelPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = resolve(root);
  const target = resolve(base, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  return target === base || target.startsWith(base + sep) ? target : null;
}

function fileSize(path: string | null): number {
  if (path === null) return -1;
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : -1;
  } catch {
    return -1;
  }
}

/** Connect-style middleware answering /models/... from the folders; every other URL goes to `next`. */
export function modelsMiddleware(roots: readonly string[]) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = req.url ?? '';
    if (!url.startsWith('/models/')) return next();
    const urlPath = url.slice('/models'.length).split('?')[0] ?? '';
    let path: string | null = null;
    let size = -1;
    for (const root of roots) {
      path = resolveModelPath(root, urlPath);
      size = fileSize(path);
      if (size >= 0) break;
    }
    if (path === null || size < 0) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('Not found');
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', TYPES[extname(path)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(size));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(path).pipe(res);
  };
}

/** The folders to serve, in overlay order: the test models when given, then the real models' folder. */
export function modelRoots(testModels: string | undefined, realModels: string): string[] {
  const roots = (testModels ?? '').split(delimiter).filter((r) => r !== '');
  return [...roots, realModels].map((r) => resolve(r));
}

export function serveModels(roots: readonly string[]): Plugin {
  return {
    name: 'personayou:models',
    configureServer(server) {
      server.middlewares.use(modelsMiddleware(roots));
    },
    configurePreviewServer(server) {
      server.middlewares.use(modelsMiddleware(roots));
    },
  };
}
