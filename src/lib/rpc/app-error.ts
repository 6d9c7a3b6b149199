// AppError: the one error shape that crosses worker boundaries.
// Every error carries a stable machine `code` and a sentence a person can act on; `toJSON`/`fromJSON`
// keep both intact through postMessage (structured clone drops custom Error subclasses and fields).

export interface AppErrorData {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  /** The file the error is about, when there is one. */
  readonly file?: string;
  /** Extra numbers or names the UI may show (bytes needed, limits...). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

export class AppError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly details?: Readonly<Record<string, string | number | boolean>>;

  constructor(
    code: string,
    message: string,
    options: { file?: string; details?: Record<string, string | number | boolean>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    if (options.file !== undefined) this.file = options.file;
    if (options.details !== undefined) this.details = options.details;
  }

  toJSON(): AppErrorData {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.file !== undefined ? { file: this.file } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }

  static fromJSON(data: AppErrorData): AppError {
    const error = new AppError(data.code, data.message, {
      ...(data.file !== undefined ? { file: data.file } : {}),
      ...(data.details !== undefined ? { details: { ...data.details } } : {}),
    });
    error.name = data.name;
    return error;
  }

  static is(value: unknown): value is AppErrorData {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { code?: unknown }).code === 'string' &&
      typeof (value as { message?: unknown }).message === 'string'
    );
  }
}
