// App side of the share target: the service worker opened `#/import?shared=<id>`; this turns that launch
// into files for the import manager (the same flow as the file picker) or an error a person can act on.
// Invariants: the `?shared=` part is removed from the address at once (a reload must not import again),
// and the shared files leave the inbox as soon as they are taken.

import type { AppErrorData } from '../lib/rpc/app-error';
import type { Result } from '../lib/rpc/progress';
import { formatBytes } from '../app/format';
import { MAX_SHARED_BYTES, MAX_SHARED_FILES, parseShareHash, takeShare, type ShareOutcome } from './share-inbox';

/**
 * Reads a share launch from the address and rewrites it to plain `#/import` before the router reads it.
 * Call once, before the router starts.
 */
export function consumeShareLaunch(): ShareOutcome | null {
  const outcome = parseShareHash(window.location.hash);
  if (outcome !== null) history.replaceState(history.state, '', '#/import');
  return outcome;
}

function shareError(code: string, message: string): Result<never> {
  const error: AppErrorData = { name: 'AppError', code, message };
  return { ok: false, error };
}

/** The shared files, taken out of the inbox. */
export async function sharedFiles(outcome: ShareOutcome): Promise<Result<File[]>> {
  if (outcome.kind === 'empty') {
    return shareError('share-empty', 'Nothing importable was shared. Share the chat export file (.txt or .zip) itself.');
  }
  if (outcome.kind === 'failed') {
    return shareError(
      'share-failed',
      'The shared file could not be received (the share was cut off or the device is out of space). Try again, or choose the file here.',
    );
  }
  if (outcome.kind === 'too-many') {
    return shareError(
      'share-too-many',
      `${outcome.files} files were shared; PersonaYou takes at most ${MAX_SHARED_FILES} at once. Share the chat export (.txt or .zip) on its own, or choose the files here.`,
    );
  }
  if (outcome.kind === 'too-large') {
    return shareError(
      'share-too-large',
      `The shared files are ${formatBytes(outcome.bytes)} together; PersonaYou takes at most ${formatBytes(MAX_SHARED_BYTES)} from a share. Export the chat again "without media" and share that, or choose the file here.`,
    );
  }
  const files = typeof caches === 'undefined' ? null : await takeShare(caches, window.location.origin, outcome.id);
  if (files === null) {
    return shareError(
      'share-gone',
      'The shared file is no longer waiting here (it was already imported or the data was wiped). Share it again, or choose the file here.',
    );
  }
  return { ok: true, value: files };
}
