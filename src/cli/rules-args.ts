/** Tiny argv parser shared by the `closeloop rules ...` commands: positionals plus `--flag value` / `--flag=value` / `--switch`. */
export interface ParsedArgs { positionals: string[]; flags: Map<string, string | true> }

export function parseArgs(argv: string[], switches: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) { positionals.push(a); continue; }
    const eq = a.indexOf('=');
    if (eq > 0) { flags.set(a.slice(2, eq), a.slice(eq + 1)); continue; }
    const name = a.slice(2);
    const next = argv[i + 1];
    if (switches.includes(name) || next === undefined || next.startsWith('--')) flags.set(name, true);
    else { flags.set(name, next); i++; }
  }
  return { positionals, flags };
}

export const flagString = (args: ParsedArgs, name: string): string | undefined => {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
};

export const DEFAULT_RULES_DIR = 'rules';
