// Vite plugins for the dev and preview servers: every response carries the security headers of
// security-headers.ts (a middleware placed before Vite's own, so worker scripts and model files get them
// too), and the built index.html carries the same policy as a <meta> fallback for hosts without headers.

import type { Plugin } from 'vite';
import { contentSecurityPolicy, securityHeaders, type PolicyOptions } from './security-headers';

export function securityHeadersPlugin(options: Omit<PolicyOptions, 'devServer'>): Plugin {
  const middleware = (headers: Record<string, string>) => (_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    next();
  };
  return {
    name: 'personayou:security-headers',
    configureServer(server) {
      server.middlewares.use(middleware(securityHeaders({ ...options, devServer: true })));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(securityHeaders(options)));
    },
    transformIndexHtml: {
      order: 'pre',
      handler: (_html, context) => [
        {
          tag: 'meta',
          attrs: {
            'http-equiv': 'Content-Security-Policy',
            // The page-level copy lists the model hosts only: another model server is a header-only addition.
            content: contentSecurityPolicy({ devServer: context.server !== undefined }),
          },
          injectTo: 'head-prepend',
        },
      ],
    },
  };
}
