// Error mapping: what web-llm, WebGPU, ONNX Runtime and fetch throw becomes one stable code with a
// sentence a person can act on; memory trouble names the smaller model to try; AppErrors pass through.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/lib/rpc/app-error';
import { LLM_ERROR_CODES, classify, toLlmError, type ErrorContext } from '../../src/lib/llm/errors';

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

const LOAD: ErrorContext = { phase: 'load', model: 'Llama 3.2 3B · q4f16', smallerModel: { id: 'Qwen2.5-1.5B-Instruct-q4f16_1-MLC', label: 'Qwen2.5 1.5B · q4f16' }, from: 'huggingface.co' };

describe('classify', () => {
  it.each([
    [named('WebGPUNotAvailableError', 'WebGPU is not supported in your current environment'), 'no-webgpu'],
    [named('ShaderF16SupportError', 'This model requires WebGPU extension shader-f16'), 'shader-f16-unsupported'],
    [named('DeviceLostError', 'The WebGPU device was lost while loading the model.'), 'device-lost'],
    [new Error('Device was lost. GPUDeviceLostInfo'), 'device-lost'],
    [new RangeError('Array buffer allocation failed'), 'out-of-memory'],
    [new Error('Aborted(OOM). Build with -sASSERTIONS for more info.'), 'out-of-memory'],
    [named('QuotaExceededError', 'The quota has been exceeded.'), 'storage-full'],
    [named('AbortError', 'The user aborted a request.'), 'aborted'],
    [named('ContextWindowSizeExceededError', 'Prompt tokens exceed context window size'), 'context-exceeded'],
    [new Error('LinkError: WebAssembly.Instance(): Import #4 "env" "TVMFFIEnvModRegisterSystemLibSymbol"'), 'model-lib-mismatch'],
    [new Error('CompileError: WebAssembly.Module(): expected magic word 00 61 73 6d, found 3c 21 64 6f'), 'model-lib-mismatch'],
    [new Error('Could not locate file: "http://127.0.0.1:4173/models/transformers/x/onnx/model_quantized.onnx".'), 'model-not-found'],
    [new SyntaxError("Unexpected token '<', \"<!doctype \"... is not valid JSON"), 'model-not-found'],
    [new Error("Cannot read properties of null (reading 'apply_chat_template')"), 'model-not-found'],
    [named('ModelNotFoundError', 'Cannot find model record in appConfig for x'), 'model-not-found'],
    [new TypeError('Failed to fetch'), 'download-failed'],
    [new Error('Cache.add() encountered a network error'), 'download-failed'],
    [new Error('Network response was not ok'), 'download-failed'],
    [new Error('something odd'), 'load-failed'],
  ])('%s -> %s', (error, code) => {
    expect(classify(error, 'load')).toBe(code);
  });

  it('falls back to the phase', () => {
    expect(classify(new Error('something odd'), 'generate')).toBe('generation-failed');
    expect(classify('plain string', 'load')).toBe('load-failed');
  });
});

describe('toLlmError', () => {
  it('offers the smaller model after memory trouble, with its id for a button', () => {
    const e = toLlmError(named('DeviceLostError', 'The WebGPU device was lost'), LOAD);
    expect(e.code).toBe('device-lost');
    expect(e.message).toMatch(/Try a smaller model: Qwen2\.5 1\.5B · q4f16\./);
    expect(e.details).toMatchObject({ smallerModelId: 'Qwen2.5-1.5B-Instruct-q4f16_1-MLC', model: 'Llama 3.2 3B · q4f16' });
    const oom = toLlmError(new Error('out of memory'), { phase: 'generate', model: 'M' });
    expect(oom.message).toMatch(/Try a smaller model, or close other tabs/);
  });

  it('says where a download failed and that parts are kept', () => {
    const e = toLlmError(new TypeError('Failed to fetch'), LOAD);
    expect(e.message).toMatch(/from huggingface\.co failed.*parts already downloaded are kept/);
  });

  it('explains missing WebGPU with the CPU alternative', () => {
    expect(toLlmError(named('WebGPUNotAvailableError', 'x'), LOAD).message).toMatch(/CPU model/);
  });

  it('keeps the raw cause for diagnosis but never as the whole message', () => {
    const e = toLlmError(new Error('weird internal thing'), LOAD);
    expect(e.code).toBe('load-failed');
    expect(e.details?.['cause']).toBe('Error: weird internal thing');
    expect(e.message).toMatch(/could not be loaded .*Try again, or pick another model/);
  });

  it('passes LLM AppErrors through and survives JSON', () => {
    const original = new AppError('context-exceeded', 'Too long.');
    expect(toLlmError(original, LOAD)).toBe(original);
    const json = toLlmError(new TypeError('Failed to fetch'), LOAD).toJSON();
    expect(AppError.fromJSON(json).code).toBe('download-failed');
    expect(LLM_ERROR_CODES).toContain(json.code);
  });
});
