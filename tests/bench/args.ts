// Command-line numbers of the benchmarks: `--name N`, a positive whole number, or the default.

export function positiveIntArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`bad ${name}: expected a positive whole number`);
  return value;
}
