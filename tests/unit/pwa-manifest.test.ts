// Installability and privacy settings checked at the source: the manifest is complete (real PNG icons of
// the declared sizes, maskable ones too, share target wired to the service worker's constants), the
// precache never takes model files, and the Content-Security-Policy allows no inline script, no eval, and no
// network host beyond the model hosts the installed libraries really use; the static-host header files match it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pwaOptions } from '../../src/pwa/pwa-options';
import { SHARE_ACTION, SHARE_FILES_FIELD } from '../../src/pwa/share-inbox';
import { contentSecurityPolicy, securityHeaders } from '../../src/server/security-headers';
import { staticHostFiles } from '../../src/server/static-host-files';

const PUBLIC = new URL('../../public/', import.meta.url);
const INDEX_HTML = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function manifest(): NonNullable<Exclude<typeof pwaOptions.manifest, false>> {
  const value = pwaOptions.manifest;
  if (value === undefined || value === false) throw new Error('no manifest configured');
  return value;
}

describe('web app manifest', () => {
  it('has what browsers need to install the app', () => {
    const m = manifest();
    expect(m).toMatchObject({ name: 'PersonaYou', short_name: 'PersonaYou', start_url: '/', scope: '/', display: 'standalone' });
    expect(m.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(m.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(INDEX_HTML).toContain(`<meta name="theme-color" content="${m.theme_color}" />`);
  });

  it('lists real PNG icons of the declared sizes: 192 and 512, each also maskable', () => {
    const icons = manifest().icons ?? [];
    for (const size of [192, 512]) {
      for (const purpose of ['any', 'maskable']) {
        expect(icons.some((i) => i.sizes === `${size}x${size}` && i.purpose === purpose), `${size} ${purpose}`).toBe(true);
      }
    }
    for (const icon of icons) {
      const bytes = readFileSync(new URL(icon.src.replace(/^\//, ''), PUBLIC));
      const [width, height] = (icon.sizes ?? '').split('x').map(Number);
      expect(pngSize(bytes), icon.src).toEqual({ width, height });
      expect(icon.type).toBe('image/png');
    }
    expect(pngSize(readFileSync(new URL('apple-touch-icon.png', PUBLIC)))).toEqual({ width: 180, height: 180 });
  });

  it('declares a POST multipart share target for .txt and .zip that the service worker answers', () => {
    const share = manifest().share_target;
    expect(share).toMatchObject({ action: `/${SHARE_ACTION}`, method: 'POST', enctype: 'multipart/form-data' });
    const files = [share?.params.files ?? []].flat();
    expect(files.map((f) => f.name)).toEqual([SHARE_FILES_FIELD]);
    expect(files[0]?.accept).toEqual(expect.arrayContaining(['.txt', '.zip', 'text/plain', 'application/zip']));
  });
});

describe('service worker precache', () => {
  it('never takes model folders, and keeps big wasm chunks (raised size limit)', () => {
    expect(pwaOptions.strategies).toBe('injectManifest');
    expect(pwaOptions.injectManifest?.globIgnores).toContain('models/**');
    expect(pwaOptions.injectManifest?.maximumFileSizeToCacheInBytes).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    expect(pwaOptions.injectManifest?.globPatterns?.join(',')).toContain('wasm');
    // Registration happens from the app's code: no inline registration script in index.html.
    expect(pwaOptions.injectRegister).toBe(false);
  });
});

function csp(): Map<string, string[]> {
  const content = contentSecurityPolicy();
  return new Map(
    content
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d !== '')
      .map((d) => {
        const [name = '', ...values] = d.split(/\s+/);
        return [name, values];
      }),
  );
}

/** Does a CSP host source (https://host or https://*.host) allow this URL? */
function allows(sources: string[], url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return sources.some((source) => {
    const match = /^(https?:)\/\/(\*\.)?(.+)$/.exec(source);
    if (match === null || match[1] !== protocol) return false;
    const host = match[3] ?? '';
    return match[2] === undefined ? hostname === host : hostname.endsWith(`.${host}`);
  });
}

describe('Content-Security-Policy (src/server/security-headers.ts)', () => {
  it('runs scripts from this origin only: no inline code, no eval, WebAssembly allowed', () => {
    const policy = csp();
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    // blob: only for workers (llama.cpp's runtime starts its workers from blob URLs this origin creates).
    expect(policy.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'self'"]);
    for (const [name, values] of policy) {
      expect(values, name).not.toContain("'unsafe-inline'");
      expect(values, name).not.toContain("'unsafe-eval'");
    }
    // No inline <script> in the page itself (the built page only adds <script src>).
    expect(INDEX_HTML.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? []).toEqual([]);
  });

  it('reaches no third party except the model hosts, and nothing but connect-src names a host', () => {
    const policy = csp();
    for (const [name, values] of policy) {
      const hosts = values.filter((v) => /^https?:/.test(v));
      if (name !== 'connect-src') expect(hosts, name).toEqual([]);
    }
    expect(policy.get('connect-src')).toEqual([
      "'self'",
      'https://huggingface.co',
      'https://*.huggingface.co',
      'https://*.hf.co',
      'https://raw.githubusercontent.com',
    ]);
  });

  it('allows every URL the installed model libraries download from', () => {
    const connect = csp().get('connect-src') ?? [];
    const require = createRequire(import.meta.url);
    // web-llm: weights on huggingface.co, model libraries (wasm) on raw.githubusercontent.com.
    const webllm = readFileSync(require.resolve('@mlc-ai/web-llm'), 'utf8');
    const modelUrls = [...webllm.matchAll(/model: "(https:\/\/[^"]+)"/g)].map((m) => m[1] ?? '');
    const libPrefix = /const modelLibURLPrefix = "(https:\/\/[^"]+)"/.exec(webllm)?.[1];
    expect(modelUrls.length).toBeGreaterThan(50);
    expect(libPrefix).toBeDefined();
    for (const url of [...modelUrls, libPrefix ?? '']) expect(allows(connect, url), url).toBe(true);
    // transformers.js: the hub host. (Its ONNX Runtime CDN default is replaced by locally bundled files.)
    const transformers = readFileSync(join(dirname(require.resolve('@huggingface/transformers')), 'transformers.web.js'), 'utf8');
    const remoteHost = /remoteHost: "(https:\/\/[^"]+)"/.exec(transformers)?.[1];
    expect(remoteHost).toBe('https://huggingface.co/');
    expect(allows(connect, remoteHost ?? '')).toBe(true);
    // Hugging Face serves the large files through redirects to its CDN hosts.
    for (const cdn of ['https://cdn-lfs.huggingface.co/x', 'https://cdn-lfs-us-1.hf.co/x', 'https://cas-bridge.xethub.hf.co/x']) {
      expect(allows(connect, cdn), cdn).toBe(true);
    }
    expect(allows(connect, 'https://cdn.jsdelivr.net/npm/onnxruntime-web/dist/x.wasm')).toBe(false);
    expect(allows(connect, 'https://evil-huggingface.co/x')).toBe(false);
  });
});

describe('security headers for static hosts', () => {
  it('the committed _headers, nginx and Caddy files are what `npm run headers` writes from the one source', () => {
    for (const file of staticHostFiles()) {
      expect(readFileSync(new URL(`../../${file.path}`, import.meta.url), 'utf8'), file.path).toBe(file.text);
    }
  });

  it('isolate the app cross-origin (threads) and carry the same policy as the servers', () => {
    const headers = securityHeaders();
    expect(headers['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(headers['Cross-Origin-Embedder-Policy']).toBe('require-corp');
    expect(headers['Content-Security-Policy']).toBe(contentSecurityPolicy());
    for (const file of staticHostFiles()) {
      for (const [name, value] of Object.entries(headers)) expect(file.text, `${file.path} ${name}`).toContain(`${name}: ${value}`.replace(': ', file.path.endsWith('_headers') ? ': ' : ' "'));
    }
  });

  it('a dev server policy differs only where Vite needs it, and extra model origins go to connect-src only', () => {
    expect(contentSecurityPolicy({ devServer: true })).toContain("style-src 'self' 'unsafe-inline'");
    const extra = contentSecurityPolicy({ extraConnectSrc: ['http://127.0.0.1:4174'] });
    expect(extra).toMatch(/connect-src [^;]*http:\/\/127\.0\.0\.1:4174/);
    expect(extra.replace(/connect-src [^;]*/, '')).not.toContain('4174');
  });
});
