// Turns "no room to write" failures into an AppError that says how much space the import needed and
// how much the browser says is available. Two real causes: the origin's quota (QuotaExceededError) and
// a full disk (Chromium aborts the transaction with an IO error "FILE_ERROR_NO_SPACE"). Any other
// error passes through unchanged.

import { AppError } from '../rpc/app-error';

type NoRoom = 'quota' | 'disk-full';

function noRoomCause(error: unknown): NoRoom | null {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const name = (e as { name?: unknown }).name;
    if (name === 'QuotaExceededError') return 'quota';
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string') {
      if (/quota/i.test(message)) return 'quota';
      if (/NO_SPACE|no space left|disk (is )?full/i.test(message)) return 'disk-full';
    }
    e = (e as { inner?: unknown; cause?: unknown }).inner ?? (e as { cause?: unknown }).cause;
  }
  return null;
}

function mb(bytes: number): string {
  return `${Math.max(0.1, bytes / 1_048_576).toFixed(1)} MB`;
}

export async function explainStorageError(error: unknown, neededBytes: number): Promise<unknown> {
  const cause = noRoomCause(error);
  if (cause === null) return error;
  let usage = 0;
  let quota = 0;
  try {
    const estimate = await navigator.storage.estimate();
    usage = estimate.usage ?? 0;
    quota = estimate.quota ?? 0;
  } catch {
    // No estimate API (old browser, some test runtimes): the message then omits the numbers.
  }
  const available = Math.max(0, quota - usage);
  // A full disk often surfaces as a quota error too, so the sentence covers both; the browser's figure
  // is shown as what it is, a report (it does not see a nearly full disk).
  const reported = quota > 0 ? ` The browser reports ${mb(available)} free for this app (${mb(usage)} used).` : '';
  return new AppError(
    'storage-full',
    `Not enough storage space on this device for this import, so nothing was imported and your personas are unchanged. It needs about ${mb(neededBytes)}.${reported} Free some space (delete a persona, other site data or files on the device) and try again.`,
    { details: { neededBytes, availableBytes: available, usageBytes: usage, quotaBytes: quota, cause }, cause: error },
  );
}
