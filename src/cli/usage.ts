// What every command-line tool shares about its arguments: a UsageError for a wrong call (exit code 2,
// printed with the usage text) and the parse step that turns it, or --help, into an exit code.

/** A wrong call of the tool: told to the user with the usage text, exit code 2. */
export class UsageError extends Error {}

/**
 * Parses `argv` with `parse`. Returns the arguments, or the exit code when the call was `--help` (usage on
 * stdout, 0) or wrong (`tool: message` and the usage on stderr, 2). Any other error is thrown on.
 */
export function parseOrExit<A>(tool: string, usage: string, argv: readonly string[], parse: (argv: readonly string[]) => A | 'help'): A | number {
  let args: A | 'help';
  try {
    args = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${tool}: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  return args;
}
