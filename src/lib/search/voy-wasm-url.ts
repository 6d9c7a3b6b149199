/// <reference types="vite/client" />
// The browser's way to get voy's wasm: the copy bundled with the app, fetched from this site.
import voyWasmUrl from 'voy-search/voy_search_bg.wasm?url';

export async function fetchVoyWasm(): Promise<ArrayBuffer> {
  const response = await fetch(voyWasmUrl);
  if (!response.ok) throw new Error(`voy wasm: HTTP ${response.status}`);
  return response.arrayBuffer();
}
