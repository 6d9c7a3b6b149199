// Hash routing: #/ (chat list), #/import, #/new (persona from a description), #/persona/<id> (its chat),
// #/persona/<id>/info (its info page: a side panel beside the chat on wide screens, its own screen on
// phones), #/models. The hash keeps the app working from any static host and offline, with no server routes.

export type Route =
  | { name: 'home' }
  | { name: 'import' }
  | { name: 'new' }
  | { name: 'models' }
  | { name: 'persona'; id: string; info: boolean };

function parse(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/import') return { name: 'import' };
  if (path === '/models') return { name: 'models' };
  if (path === '/new') return { name: 'new' };
  const persona = /^\/persona\/([^/]+)(\/info)?$/.exec(path);
  if (persona?.[1] !== undefined) return { name: 'persona', id: decodeURIComponent(persona[1]), info: persona[2] !== undefined };
  return { name: 'home' };
}

/** The address of a route (also for links, so they open in a new tab too). */
export function href(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'import':
      return '#/import';
    case 'models':
      return '#/models';
    case 'new':
      return '#/new';
    case 'persona':
      return `#/persona/${encodeURIComponent(route.id)}${route.info ? '/info' : ''}`;
  }
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
    window.location.hash = href(route);
  }
}
