// The app's HTTP security headers, from one source: the Content-Security-Policy (also put in index.html as a
// <meta> fallback for hosts that cannot send headers) and the cross-origin isolation pair (COOP + COEP) that
// gives workers SharedArrayBuffer, i.e. threads. Served by the dev and preview servers (vite-plugin.ts) and
// written out for static hosts (static-host-files.ts). Invariant: only connect-src ever names another host.

/** Where model weights and WebLLM's model libraries are downloaded from (and nothing else is). */
export const MODEL_HOSTS: readonly string[] = [
  'https://huggingface.co',
  'https://*.huggingface.co',
  'https://*.hf.co',
  'https://raw.githubusercontent.com',
];

export interface PolicyOptions {
  /** More origins the workers may download models from (a self-hosted model server). */
  extraConnectSrc?: readonly string[];
  /** Vite's dev server injects <style> elements and talks to its HMR socket; builds never get this. */
  devServer?: boolean;
}

/** The policy as ordered directives. */
export function cspDirectives(options: PolicyOptions = {}): [string, string[]][] {
  const dev = options.devServer === true;
  return [
    ['default-src', ["'self'"]],
    // 'wasm-unsafe-eval': WebAssembly (ONNX Runtime, WebLLM, llama.cpp); no inline code, no eval.
    ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
    // blob: llama.cpp's WebAssembly runtime (wllama) starts its worker and its thread workers from blob URLs,
    // which only this origin's own scripts can create.
    ['worker-src', ["'self'", 'blob:']],
    ['style-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'"]],
    ['connect-src', ["'self'", ...MODEL_HOSTS, ...(options.extraConnectSrc ?? []), ...(dev ? ['ws:'] : [])]],
    ['manifest-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'self'"]],
  ];
}

export function contentSecurityPolicy(options: PolicyOptions = {}): string {
  return cspDirectives(options)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** Every header the app's responses carry, page and worker scripts alike. */
export function securityHeaders(options: PolicyOptions = {}): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(options),
    // Cross-origin isolation: SharedArrayBuffer for multi-threaded WebAssembly. Model hosts answer with
    // CORS headers, which is all require-corp asks of a cross-origin fetch.
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  };
}

/** Origins from PERSONAYOU_CONNECT_SRC (space-separated), for a self-hoster's model server. */
export function connectSrcFromEnv(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((v) => /^(https?|wss?):\/\/[^\s;,'"]+$/.test(v));
}
