// A small argument parser for the CLI contract: global options anywhere, `--name value` or
// `--name=value`, boolean flags without a value.

export const BOOLEAN_FLAGS = new Set(['json', 'skip-invalid', 'dry-run', 'help', 'consumer', 'force', 'all']);

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      flags.add('help');
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (BOOLEAN_FLAGS.has(name)) {
        if (eq >= 0) throw new UsageError(`--${name} takes no value.`);
        flags.add(name);
        continue;
      }
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        value = argv[i + 1];
        if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new UsageError(`--${name} needs a value.`);
        i++;
      }
      options.set(name, value);
      continue;
    }
    positionals.push(arg);
  }
  return { positionals, options, flags };
}

/** Fails on options the command does not know, so a typo never passes silently. */
export function checkKnown(args: ParsedArgs, known: readonly string[], command: string): void {
  const allowed = new Set([...known, 'db', 'org', 'json', 'help']);
  for (const name of [...args.options.keys(), ...args.flags]) {
    if (!allowed.has(name)) throw new UsageError(`"${command}" does not take --${name}. See "arflow help".`);
  }
}
