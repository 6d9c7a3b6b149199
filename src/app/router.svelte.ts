// Hash routing: #/ (personas), #/import, #/new (persona from a description), #/persona/<id>, #/models. The hash keeps the app working from any
// static host and offline, with no server-side routes.

export type Route = { name: 'home' } | { name: 'import' } | { name: 'new' } | { name: 'models' } | { name: 'persona'; id: string };

function parse(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/import') return { name: 'import' };
  if (path === '/models') return { name: 'models' };
  if (path === '/new') return { name: 'new' };
  const persona = /^\/persona\/([^/]+)$/.exec(path);
  if (persona?.[1] !== undefined) return { name: 'persona', id: decodeURIComponent(persona[1]) };
  return { name: 'home' };
}

export class Router {
  route = $state<Route>(parse(window.location.hash));

  start(): () => void {
    const onChange = () => {
      this.route = parse(window.location.hash);
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }

  go(route: Route): void {
    window.location.hash =
      route.name === 'home'
        ? '#/'
        : route.name === 'import'
          ? '#/import'
          : route.name === 'models'
            ? '#/models'
            : route.name === 'new'
              ? '#/new'
            : `#/persona/${encodeURIComponent(route.id)}`;
  }
}
