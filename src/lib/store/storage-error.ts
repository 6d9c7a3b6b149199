// Turns IndexedDB quota failures into an AppError that says how much space the import needed and how
// much the browser says is available. Any other error passes through unchanged.

import { AppError } from '../rpc/app-error';

function isQuotaError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const name = (e as { name?: unknown }).name;
    if (name === 'QuotaExceededError') return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /quota/i.test(message)) return true;
    e = (e as { inner?: unknown; cause?: unknown }).inner ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

function mb(bytes: number): string {
  return `${Math.max(0.1, bytes / 1_048_576).toFixed(1)} MB`;
}

export async function explainStorageError(error: unknown, neededBytes: number): Promise<unknown> {
  if (!isQuotaError(error)) return error;
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
  const numbers =
    quota > 0
      ? ` It needs about ${mb(neededBytes)}; the browser allows ${mb(available)} more for this app (${mb(usage)} of ${mb(quota)} used).`
      : ` It needs about ${mb(neededBytes)}.`;
  return new AppError(
    'storage-full',
    `This device's storage for the app is full, so nothing was imported and your personas are unchanged.${numbers} Free some space (delete a persona or other site data) and try again.`,
    { details: { neededBytes, availableBytes: available, usageBytes: usage, quotaBytes: quota }, cause: error },
  );
}
