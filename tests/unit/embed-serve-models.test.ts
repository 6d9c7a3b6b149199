// The test-model server behind the e2e tests: serves ../shared/models at /models/, answers a missing
// file (or a path escaping the folder) with a real 404, and leaves every other URL to the app server.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsMiddleware, resolveModelPath } from '../../src/server/serve-models';

const MODELS = fileURLToPath(new URL('../../../shared/models/', import.meta.url));

describe('resolveModelPath', () => {
  it('stays inside the folder', () => {
    expect(resolveModelPath('/srv/models', '/transformers/a/config.json')).toBe('/srv/models/transformers/a/config.json');
    expect(resolveModelPath('/srv/models', '/../secret')).toBeNull();
    expect(resolveModelPath('/srv/models', '/transformers/%2e%2e/%2e%2e/secret')).toBeNull();
    expect(resolveModelPath('/srv/models', '/a%00b')).toBeNull();
    expect(resolveModelPath('/srv/models', '/%E0%A4%A')).toBeNull();
  });
});

describe('modelsMiddleware', () => {
  let server: Server;
  let base = '';

  beforeAll(async () => {
    const serve = modelsMiddleware([MODELS]);
    server = createServer((req, res) =>
      serve(req, res, () => {
        res.statusCode = 200;
        res.end('app fallback');
      }),
    );
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((done) => server.close(done));
  });

  it('serves model files with their type and size', async () => {
    const response = await fetch(`${base}/models/transformers/tiny-random-bert-minilm-tok/config.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(((await response.json()) as { hidden_size: number }).hidden_size).toBe(32);
  });

  /** A GET with the path sent as written (fetch would normalize `%2e%2e` away before sending). */
  function rawGet(path: string): Promise<{ status: number; body: string }> {
    return new Promise((done, fail) => {
      const req = request(`${base}${path}`, { path }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', fail);
      req.end();
    });
  }

  it('answers 404 for missing files, folders and escapes, never the app page', async () => {
    for (const path of [
      '/models/transformers/tiny-random-bert-minilm-tok/onnx/model_fp16.onnx',
      '/models/transformers/',
      '/models/%2e%2e/%2e%2e/etc/passwd',
      '/models/../README.md',
    ]) {
      expect(await rawGet(path), path).toEqual({ status: 404, body: 'Not found' });
    }
  });

  it('leaves other URLs to the app server', async () => {
    expect(await (await fetch(`${base}/index.html`)).text()).toBe('app fallback');
  });
});
