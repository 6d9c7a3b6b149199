// Stable error codes of the LLM layer and the mapping from whatever an engine throws (web-llm's error
// classes, WebGPU device loss, wasm/ORT failures, fetch failures) to an AppError with a sentence a
// person can act on. Pure: the worker maps, the page only reads `code` and `message`.
// Invariant: every failure of load/generate leaves here as one of LLM_ERROR_CODES.

import { AppError } from '../rpc/app-error';

export const LLM_ERROR_CODES = [
  'no-webgpu',
  'shader-f16-unsupported',
  'device-lost',
  'out-of-memory',
  'model-not-found',
  'model-lib-mismatch',
  'download-failed',
  'storage-full',
  'context-exceeded',
  'no-model-loaded',
  'engine-crashed',
  'load-failed',
  'generation-failed',
  'aborted',
] as const;

export type LlmErrorCode = (typeof LLM_ERROR_CODES)[number];

export interface ErrorContext {
  /** What was being done. */
  phase: 'load' | 'generate' | 'cache';
  /** The model's label, for the message. */
  model: string;
  /** A smaller model to offer after memory trouble. */
  smallerModel?: { id: string; label: string };
  /** Where the files come from (URL or "the model hub"), for download errors. */
  from?: string;
}

export function llmError(code: LlmErrorCode, message: string, ctx?: ErrorContext, cause?: unknown): AppError {
  const details: Record<string, string> = {};
  if (ctx !== undefined) details['model'] = ctx.model;
  if (ctx?.smallerModel !== undefined && (code === 'out-of-memory' || code === 'device-lost')) {
    details['smallerModelId'] = ctx.smallerModel.id;
    details['smallerModelLabel'] = ctx.smallerModel.label;
  }
  const raw = describeCause(cause);
  if (raw !== '') details['cause'] = raw.slice(0, 500);
  return new AppError(code, message, { details, ...(cause === undefined ? {} : { cause }) });
}

export function abortedError(): AppError {
  return new AppError('aborted', 'Stopped.');
}

function describeCause(cause: unknown): string {
  if (cause === undefined || cause === null) return '';
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  if (typeof cause === 'object' && 'message' in cause && typeof cause.message === 'string') return cause.message;
  return String(cause);
}

function smaller(ctx: ErrorContext): string {
  return ctx.smallerModel === undefined
    ? 'Try a smaller model, or close other tabs and apps that use the graphics card.'
    : `Try a smaller model: ${ctx.smallerModel.label}.`;
}

/** Which code a thrown value means. Exported for the tests; `toLlmError` is what callers use. */
export function classify(cause: unknown, phase: ErrorContext['phase']): LlmErrorCode {
  if (cause instanceof AppError && (LLM_ERROR_CODES as readonly string[]).includes(cause.code)) {
    return cause.code as LlmErrorCode;
  }
  const name = cause instanceof Error ? cause.name : typeof cause === 'object' && cause !== null && 'name' in cause ? String(cause.name) : '';
  const text = `${name} ${describeCause(cause)}`.toLowerCase();
  // Only a real cancellation: emscripten's "Aborted(OOM)" is a crash, not a Stop.
  if (name === 'AbortError' || /signal is aborted|user aborted/.test(text)) return 'aborted';
  if (name === 'QuotaExceededError' || /quota|no space left|disk is full/.test(text)) return 'storage-full';
  if (name === 'WebGPUNotAvailableError' || name === 'WebGPUNotFoundError' || /webgpu is not (supported|available)|cannot find webgpu|requestadapter/.test(text)) {
    return 'no-webgpu';
  }
  if (name === 'ShaderF16SupportError' || /shader-f16/.test(text)) return 'shader-f16-unsupported';
  if (name === 'DeviceLostError' || /device (was )?lost|gpudevicelostinfo|device is lost/.test(text)) return 'device-lost';
  if (
    /out of memory|out-of-memory|\boom\b|allocation failed|failed to allocate|cannot allocate|createbuffer.*(too large|failed)|array buffer allocation|memory access out of bounds/.test(text) ||
    (name === 'RangeError' && /array buffer|allocation|invalid typed array length/.test(text))
  ) {
    return 'out-of-memory';
  }
  if (name === 'ContextWindowSizeExceededError' || /exceed context window|context window size|prompt tokens exceed/.test(text)) return 'context-exceeded';
  if (/linkerror|expected magic word|tvmffienv|resetthreadpool|compileerror|wasm validation/.test(text)) return 'model-lib-mismatch';
  if (
    name === 'ModelNotFoundError' ||
    /\b404\b|not found|could not locate file|no such file|unexpected token '<'|is not valid json|cannot read properties of null \(reading 'apply_chat_template'\)/.test(text)
  ) {
    return 'model-not-found';
  }
  if (/failed to fetch|networkerror|network response was not ok|cache\.add|load failed|err_|cannot fetch|fetch failed/.test(text)) return 'download-failed';
  if (name === 'ModelNotLoadedError' || /not loaded|did you call .?engine\.reload/.test(text)) return 'no-model-loaded';
  return phase === 'generate' ? 'generation-failed' : 'load-failed';
}

/** Maps anything thrown by an engine to an AppError with an actionable sentence. */
export function toLlmError(cause: unknown, ctx: ErrorContext): AppError {
  if (cause instanceof AppError && (LLM_ERROR_CODES as readonly string[]).includes(cause.code)) return cause;
  const code = classify(cause, ctx.phase);
  const m = `“${ctx.model}”`;
  const from = ctx.from ?? 'its source';
  switch (code) {
    case 'aborted':
      return abortedError();
    case 'no-webgpu':
      return llmError(
        code,
        `This browser has no usable WebGPU, so ${m} cannot run on the graphics card. Use a CPU model (slower, but it works in every browser), or open the app in a recent Chrome or Edge.`,
        ctx,
        cause,
      );
    case 'shader-f16-unsupported':
      return llmError(
        code,
        `${m} needs 16-bit GPU shaders (shader-f16), which this graphics card or browser does not offer. Pick the q4f32 build of the same model instead.`,
        ctx,
        cause,
      );
    case 'device-lost':
      return llmError(
        code,
        `The graphics card stopped working for this page while running ${m}, most often because it ran out of memory. ${smaller(ctx)}`,
        ctx,
        cause,
      );
    case 'out-of-memory':
      return llmError(code, `There was not enough memory to run ${m}. ${smaller(ctx)}`, ctx, cause);
    case 'storage-full':
      return llmError(
        code,
        `There is not enough free storage on this device to keep ${m}. Delete a downloaded model on the Models screen or free disk space, then try again.`,
        ctx,
        cause,
      );
    case 'context-exceeded':
      return llmError(
        code,
        `The conversation is longer than ${m} can read at once. Start a new conversation or use fewer examples.`,
        ctx,
        cause,
      );
    case 'model-lib-mismatch':
      return llmError(
        code,
        `The model library of ${m} does not match this app's WebLLM version, so it cannot start. Use a library built for WebLLM 0.2.79 (model libraries v0_2_48) or another model.`,
        ctx,
        cause,
      );
    case 'model-not-found':
      return llmError(
        code,
        `The files of ${m} were not found at ${from}. Check the model source or the URLs on the Models screen.`,
        ctx,
        cause,
      );
    case 'download-failed':
      return llmError(
        code,
        `Downloading ${m} from ${from} failed. Check the connection and try again; parts already downloaded are kept.`,
        ctx,
        cause,
      );
    case 'no-model-loaded':
      return llmError(code, 'No model is loaded. Load one on the Models screen first.', ctx, cause);
    case 'engine-crashed':
      return llmError(code, `The model engine stopped unexpectedly while running ${m}. Load the model again.`, ctx, cause);
    case 'generation-failed':
      return llmError(code, `${m} could not finish the reply (${describeCause(cause) || 'unknown error'}). Try again, or load the model again.`, ctx, cause);
    case 'load-failed':
      return llmError(code, `${m} could not be loaded (${describeCause(cause) || 'unknown error'}). Try again, or pick another model.`, ctx, cause);
  }
}
