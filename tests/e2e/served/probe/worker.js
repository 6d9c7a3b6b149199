// Test probe (served at /models/probe/worker.js by the app's own server, so it gets the app's headers like
// every worker script): reports whether it is cross-origin isolated and what its fetches to an allowed and
// to a disallowed origin did.
self.onmessage = async (event) => {
  const attempt = (url) => fetch(url).then((response) => (response.ok ? 'ok' : `http ${response.status}`), () => 'blocked');
  const allowed = await attempt(event.data.allowed);
  const disallowed = await attempt(event.data.disallowed);
  postMessage({ isolated: self.crossOriginIsolated, sharedMemory: typeof SharedArrayBuffer === 'function', allowed, disallowed });
};
