import { parseArgs } from 'node:util';

/** Where a command reads and writes. The real process streams in production; the same shape in tests. */
export interface CliIo {
  /** Writes text to standard output as given (add the newline yourself). */
  out(text: string): void;
  /** Writes text to standard error as given. */
  err(text: string): void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Shown in usage, e.g. `EMAIL`. */
  placeholder?: string;
  description: string;
  required?: boolean;
}

export interface CommandContext {
  io: CliIo;
  /** The name the command was called by, e.g. `user create`. */
  command: string;
  /** A boolean option; false when absent. */
  flag(name: string): boolean;
  /** A string option; undefined when absent. */
  text(name: string): string | undefined;
  /** A required string option (presence is checked before `run`). */
  required(name: string): string;
  /** A positional argument by its declared name; undefined when an optional one is absent. */
  arg(name: string): string | undefined;
}

export interface PositionalSpec {
  /** Shown in usage, e.g. `SLUG` or `FILE|URL|-`. */
  name: string;
  description: string;
  required?: boolean;
}

export interface CommandSpec {
  /** One or two words: `serve`, `user create`. */
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments, in order (e.g. `credstack org show SLUG`). None unless declared. */
  positionals?: PositionalSpec[];
  /** Extra paragraphs for `--help`. */
  details?: string[];
  examples?: string[];
  /** Resolves to the exit code. Throw {@link UsageError} for bad input, anything else for failures. */
  run(ctx: CommandContext): Promise<number>;
}

/** Bad command-line input: exit code 2 and the usage on standard error. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: CommandSpec,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An expected failure with a message written for the operator: exit code 1, no stack trace. */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function defineCommand(spec: CommandSpec): CommandSpec {
  return spec;
}

function optionUsage(name: string, option: OptionSpec): string {
  const text = option.type === 'string' ? `--${name} ${option.placeholder ?? 'VALUE'}` : `--${name}`;
  return option.required ? text : `[${text}]`;
}

/** `credstack user create --email EMAIL --name NAME [--platform-admin]` */
export function usageLine(spec: CommandSpec): string {
  const options = Object.entries(spec.options).map(([name, option]) => optionUsage(name, option));
  const positionals = (spec.positionals ?? []).map((p) => (p.required ? p.name : `[${p.name}]`));
  return ['credstack', spec.name, ...positionals, ...options].join(' ');
}

export function commandHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, option]) => {
    const left = option.type === 'string' ? `--${name} ${option.placeholder ?? 'VALUE'}` : `--${name}`;
    return [left, option.required ? `${option.description} (required)` : option.description] as const;
  });
  rows.push(['-h, --help', 'Show this help']);
  const argRows = (spec.positionals ?? []).map(
    (p) => [p.name, p.required ? `${p.description} (required)` : p.description] as const,
  );
  const width = Math.max(...[...rows, ...argRows].map(([left]) => left.length));
  const lines = [
    `Usage: ${usageLine(spec)}`,
    '',
    spec.summary,
    ...(spec.details?.length ? ['', ...spec.details] : []),
    ...(argRows.length ? ['', 'Arguments:', ...argRows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`)] : []),
    '',
    'Options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
  ];
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((example) => `  ${example}`));
  return `${lines.join('\n')}\n`;
}

export type Parsed = { help: true } | { help: false; ctx: CommandContext };

/**
 * Parses a command's arguments strictly: unknown options, positionals, a missing value or a missing required
 * option are usage errors. `--help` wins over missing required options.
 */
export function parseCommandArgs(spec: CommandSpec, args: string[], io: CliIo): Parsed {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, option] of Object.entries(spec.options)) options[name] = { type: option.type };
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  const declared = spec.positionals ?? [];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: declared.length > 0,
    }) as { values: Record<string, string | boolean | undefined>; positionals: string[] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('ERR_PARSE_ARGS')) throw new UsageError(parseArgsMessage(error as Error), spec);
    throw error;
  }
  if (values.help === true) return { help: true };
  if (positionals.length > declared.length) {
    throw new UsageError(`unexpected argument "${positionals[declared.length]}"`, spec);
  }
  declared.forEach((p, i) => {
    if (p.required && (positionals[i] === undefined || positionals[i] === '')) {
      throw new UsageError(`missing argument ${p.name}`, spec);
    }
  });
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.required && (values[name] === undefined || values[name] === '')) {
      throw new UsageError(`missing required option --${name}`, spec);
    }
  }
  const ctx: CommandContext = {
    io,
    command: spec.name,
    flag: (name) => values[name] === true,
    text: (name) => {
      const value = values[name];
      return typeof value === 'string' ? value : undefined;
    },
    arg: (name) => {
      const index = declared.findIndex((p) => p.name === name);
      if (index < 0) throw new Error(`${spec.name} declares no argument ${name}`);
      return positionals[index];
    },
    required: (name) => {
      const value = values[name];
      if (typeof value !== 'string' || value === '')
        throw new UsageError(`missing required option --${name}`, spec);
      return value;
    },
  };
  return { help: false, ctx };
}

/** Node's parseArgs messages carry advice about `--` that does not apply here; keep the first sentence. */
function parseArgsMessage(error: Error): string {
  const message = error.message.split('. ')[0] ?? error.message;
  return message.charAt(0).toLowerCase() + message.slice(1).replace(/\.$/, '');
}
