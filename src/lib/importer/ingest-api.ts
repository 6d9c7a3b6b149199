// The ingest worker's API: analyze picked files (read, detect, parse; nothing stored yet), then commit
// the person the user chose as a persona. Parsed files wait in worker memory between the two steps.
// Every method returns a Result: expected failures cross the worker boundary as data with their code.

import { parseExport } from '../ingest/index';
import { ImportError } from '../ingest/errors';
import { chatFingerprint, messageIds } from '../ingest/normalize';
import { createMasker } from '../ingest/mask';
import type { DateOrder, ParseResult, SourceFormat } from '../ingest/types';
import { AppError, type AppErrorData } from '../rpc/app-error';
import { throttle, type ImportProgress, type Result } from '../rpc/progress';
import {
  clearPendingImport,
  commitImport,
  markImportStarted,
  findPersonasByFingerprint,
  maskSalt,
  type PersonaDb,
  type PersonaRow,
  type SourceWrite,
} from '../store/index';
import { buildPersona, finishPersonas, personaBuilder } from './build-persona';
import { guessSelf, participantsOf, type Participant } from './participants';
import { readFileBytes } from './read-file';
import { exportPortable, importPortable } from './portable';
import { maskKeyIdOf, maskedElsewhere } from '../store/import-commit';

export interface AnalyzedFileOk {
  ok: true;
  name: string;
  size: number;
  format: SourceFormat;
  locale: string | null;
  dateOrder: DateOrder | null;
  chatName: string | null;
  fingerprint: string | null;
  items: number;
  personItems: number;
  systemItems: number;
  firstTs: string | null;
  lastTs: string | null;
  warnings: string[];
}

export interface AnalyzedFileError {
  ok: false;
  name: string;
  size: number;
  error: AppErrorData;
}

export type AnalyzedFile = AnalyzedFileOk | AnalyzedFileError;

export interface ExistingChat {
  fingerprint: string;
  personaId: string;
  displayName: string;
  personName: string;
}

export interface Analysis {
  files: AnalyzedFile[];
  participants: Participant[];
  suggestedSelf: string | null;
  /** Personas that already contain one of these chats: the import can update them. */
  existing: ExistingChat[];
  /** Sentences for the import screen: e.g. why a persona holding one of these chats cannot be updated here. */
  notes: string[];
}

export interface CommitChoice {
  personName: string;
  selfName: string | null;
  displayName: string;
  maskPii: boolean;
  /** Add the new messages to this persona instead of creating one. */
  updatePersonaId?: string;
}

export interface CommitResult {
  personaId: string;
  displayName: string;
  added: number;
  alreadyStored: number;
}

function toErrorData(error: unknown, fallbackFile?: string): AppErrorData {
  if (error instanceof AppError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return {
    name: 'AppError',
    code: 'internal',
    message: fallbackFile === undefined ? `Something went wrong: ${message}` : `"${fallbackFile}" could not be read: ${message}`,
    ...(fallbackFile === undefined ? {} : { file: fallbackFile }),
  };
}

export function createIngestApi(openDb: () => PersonaDb) {
  let parsed: { name: string; result: ParseResult }[] = [];

  async function analyze(
    files: readonly File[],
    onProgress: (progress: ImportProgress) => void,
  ): Promise<Result<Analysis>> {
    try {
      parsed = [];
      const report = throttle(onProgress, 80);
      const analyzed: AnalyzedFile[] = [];
      for (const [fileIndex, file] of files.entries()) {
        const fileCount = files.length;
        try {
          const bytes = await readFileBytes(file, (bytesDone, bytesTotal) =>
            report({ phase: 'read', file: file.name, fileIndex, fileCount, bytesDone, bytesTotal }),
          );
          const result = await parseExport(
            { name: file.name, bytes },
            {
              onProgress: (p) =>
                report({
                  phase: 'parse',
                  file: file.name,
                  fileIndex,
                  fileCount,
                  bytesDone: p.bytesDone,
                  bytesTotal: p.bytesTotal,
                  items: p.items,
                }),
            },
          );
          const personItems = result.items.filter((item) => item.author !== null);
          if (personItems.length === 0) {
            throw new ImportError(
              'not-an-export',
              file.name,
              `"${file.name}" was read as ${result.format}, but it holds no message written by a person.`,
            );
          }
          report(
            { phase: 'parse', file: file.name, fileIndex, fileCount, bytesDone: 1, bytesTotal: 1, items: result.items.length },
            true,
          );
          parsed.push({ name: file.name, result });
          analyzed.push({
            ok: true,
            name: file.name,
            size: file.size,
            format: result.format,
            locale: result.locale,
            dateOrder: result.dateOrder,
            chatName: result.chatName,
            fingerprint: chatFingerprint(result.items),
            items: result.items.length,
            personItems: personItems.length,
            systemItems: result.items.length - personItems.length,
            firstTs: personItems[0]?.ts ?? null,
            lastTs: personItems[personItems.length - 1]?.ts ?? null,
            warnings: result.warnings.slice(0, 20),
          });
        } catch (error) {
          analyzed.push({ ok: false, name: file.name, size: file.size, error: toErrorData(error, file.name) });
        }
      }
      const participants = participantsOf(parsed.map((p) => p.result));
      const fingerprints = analyzed.flatMap((f) => (f.ok && f.fingerprint !== null ? [f.fingerprint] : []));
      const found = await findPersonasByFingerprint(openDb(), fingerprints);
      const salt = found.some((m) => m.persona.maskPii) ? await maskSalt(openDb()) : null;
      const deviceKeyId = salt === null ? null : await maskKeyIdOf(salt);
      // A persona masked on another device (restored from its backup) has tokens this device cannot make:
      // merging a newer export would give the same people other tokens, so it is not offered.
      const foreign = found.filter((m) => deviceKeyId !== null && maskedElsewhere(m.persona, deviceKeyId));
      const matches = found.filter((m) => !foreign.includes(m));
      const notes = [...new Set(foreign.map((m) => m.persona.displayName))].map(
        (name) =>
          `${name} came from another device's backup: its masked numbers use that device's key, so a newer export can't be merged into it here. Import it as a new persona.`,
      );
      // A masked persona stores a phone-number sender as its token: name the participant it stands for.
      const masker = salt !== null && matches.some((m) => m.persona.maskPii) ? createMasker({ salt }) : null;
      const participantOf = (persona: PersonaRow): string =>
        (persona.maskPii && masker !== null ? participants.find((p) => masker(p.name).text === persona.personName)?.name : undefined) ??
        persona.personName;
      return {
        ok: true,
        value: {
          files: analyzed,
          participants,
          suggestedSelf: guessSelf(participants),
          existing: matches.map((m) => ({
            fingerprint: m.fingerprint,
            personaId: m.persona.id,
            displayName: m.persona.displayName,
            personName: participantOf(m.persona),
          })),
          notes,
        },
      };
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  }

  async function commit(
    choice: CommitChoice,
    onProgress: (progress: ImportProgress) => void,
  ): Promise<Result<CommitResult>> {
    try {
      if (parsed.length === 0) throw new AppError('nothing-to-import', 'Pick an export first: there is nothing to import.');
      const db = openDb();
      const salt = choice.maskPii || choice.updatePersonaId !== undefined ? await maskSalt(db) : null;
      const mask = choice.maskPii && salt !== null ? createMasker({ salt }) : null;
      // Recorded on a new masked persona and checked against the persona an update goes into.
      const maskKeyId = salt === null ? undefined : await maskKeyIdOf(salt);
      // A sender saved under a phone number (or an e-mail) is PII too: masked like the same value in a text,
      // so the chosen person, "me", every row and every export agree on one token.
      const maskName = (name: string): string => (mask === null ? name : mask(name).text);
      const importedAt = Date.now();
      const writes: SourceWrite[] = parsed.map(({ name, result }) => {
        const sourceId = crypto.randomUUID();
        const ids = messageIds(result.items);
        const rows = result.items.map((item, index) => ({
          id: ids[index] ?? '',
          sourceId,
          sortKey: `${item.ts}#${String(item.line).padStart(9, '0')}`,
          ts: item.ts,
          author: item.author === null ? null : maskName(item.author),
          kind: item.kind,
          text: mask === null ? item.text : mask(item.text).text,
          edited: item.edited === true,
        }));
        return {
          source: {
            id: sourceId,
            fileName: name,
            format: result.format,
            locale: result.locale,
            dateOrder: result.dateOrder,
            chatName: result.chatName,
            fingerprint: chatFingerprint(result.items),
            importedAt,
            itemCount: result.items.length,
            skipped: {},
          },
          rows,
        };
      });
      const report = throttle(onProgress, 80, (p) => p.phase);
      const target =
        choice.updatePersonaId === undefined
          ? {
              mode: 'create' as const,
              id: crypto.randomUUID(),
              displayName: maskName(choice.displayName.trim() || choice.personName),
              personName: maskName(choice.personName),
              selfName: choice.selfName === null ? null : maskName(choice.selfName),
              maskPii: choice.maskPii,
              ...(choice.maskPii && maskKeyId !== undefined ? { maskKeyId } : {}),
            }
          : { mode: 'update' as const, id: choice.updatePersonaId, ...(maskKeyId === undefined ? {} : { maskKeyId }) };
      await markImportStarted(db, { files: parsed.map((p) => p.name), startedAt: importedAt });
      let outcome;
      try {
        // The messages and the persona's build land in one transaction (see commitImport).
        outcome = await commitImport(db, target, writes, personaBuilder((p) => report(p)), (p) => report(p, p.done === p.total));
      } catch (error) {
        // The import did not land and the person is told so right now: the marker has no story left to tell.
        await clearPendingImport(db).catch(() => undefined);
        throw error;
      }
      parsed = [];
      return {
        ok: true,
        value: {
          personaId: outcome.personaId,
          displayName: outcome.persona.displayName,
          added: outcome.added,
          alreadyStored: outcome.alreadyStored,
        },
      };
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  }

  function discard(): void {
    parsed = [];
  }

  /** Recomputes profile, pairs and memories of a persona from its stored messages. */
  async function rebuild(personaId: string, onProgress: (progress: ImportProgress) => void): Promise<Result<null>> {
    try {
      await buildPersona(openDb(), personaId, throttle(onProgress, 80));
      return { ok: true, value: null };
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  }

  /**
   * Rebuilds every persona whose build is missing or older than this builder (an import that stopped
   * before its build, or a build from before a builder change); `onPersona` hears each one's state.
   */
  async function finish(onPersona: (personaId: string, state: 'finishing' | 'done' | 'failed') => void): Promise<Result<{ finished: string[]; failed: string[] }>> {
    try {
      return { ok: true, value: await finishPersonas(openDb(), onPersona) };
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  }

  return {
    analyze,
    commit,
    discard,
    rebuild,
    finish,
    // Persona portability (bundle, card, fine-tune data, SillyTavern chat): see src/lib/importer/portable.ts.
    exportPortable: (request: Parameters<typeof exportPortable>[1], onProgress: Parameters<typeof exportPortable>[2]) =>
      exportPortable(openDb(), request, onProgress),
    importPortable: (file: File, onProgress: (progress: ImportProgress) => void) => importPortable(openDb(), file, onProgress),
  };
}

export type IngestApi = ReturnType<typeof createIngestApi>;
