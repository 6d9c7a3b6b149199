// ImportError: every way an export can be unreadable, as a stable code plus a sentence naming the file.
// Parsers throw nothing else for bad input (the fuzz tests hold them to it); an abort is not an error
// and is reported as a result by the caller.

import { AppError } from '../rpc/app-error';

export type ImportErrorCode =
  | 'empty-file' // zero bytes, or only whitespace / invisible characters
  | 'not-an-export' // text we could not recognise as any supported export
  | 'binary-file' // bytes that are not text (an image, a PDF...)
  | 'unsupported-encoding' // text in an encoding we cannot decode (not UTF-8 / UTF-16)
  | 'file-too-large' // bigger than what this device can hold in memory for parsing
  | 'bad-zip' // a .zip that cannot be opened
  | 'zip-no-chat' // a .zip with no chat text inside
  | 'zip-too-large' // a .zip whose members would expand past the safety limit
  | 'bad-csv' // a CSV without the columns we need
  | 'bad-json'; // JSON that is malformed or lacks the fields we need

export class ImportError extends AppError {
  declare readonly code: ImportErrorCode;

  constructor(
    code: ImportErrorCode,
    file: string,
    message: string,
    details?: Record<string, string | number | boolean>,
  ) {
    super(code, message, { file, ...(details !== undefined ? { details } : {}) });
    this.name = 'ImportError';
  }
}
