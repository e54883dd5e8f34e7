import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CliIo,
  type CommandSpec,
  commandHelp,
  EXIT_OK,
  EXIT_USAGE,
  parseCommandArgs,
  UsageError,
} from './command.ts';
import { auditVerifyCommand } from './commands/audit-verify.ts';
import { catalogueImportCommand } from './commands/catalogue-import.ts';
import { credentialBakeCommand } from './commands/credential-bake.ts';
import {
  credentialReinstateCommand,
  credentialRevokeCommand,
  credentialSuspendCommand,
} from './commands/credential-status.ts';
import { dbMigrateCommand } from './commands/db-migrate.ts';
import { demoSeedCommand } from './commands/demo-seed.ts';
import { issueCommand } from './commands/issue.ts';
import { issueBulkCommand } from './commands/issue-bulk.ts';
import { orgAddMemberCommand } from './commands/org-add-member.ts';
import { orgCreateCommand } from './commands/org-create.ts';
import { orgListCommand } from './commands/org-list.ts';
import { orgRotateKeyCommand } from './commands/org-rotate-key.ts';
import { orgShowCommand } from './commands/org-show.ts';
import { pathCommand } from './commands/path.ts';
import { pathwayProgressCommand } from './commands/pathway-progress.ts';
import { resultsImportCommand } from './commands/results-import.ts';
import { serveCommand } from './commands/serve.ts';
import { skillsExtractCommand } from './commands/skills-extract.ts';
import { skillsImportCommand } from './commands/skills-import.ts';
import { tokenCreateCommand } from './commands/token-create.ts';
import { userCreateCommand } from './commands/user-create.ts';
import { userSetPasswordCommand } from './commands/user-set-password.ts';
import { verifyCommand } from './commands/verify.ts';
import { processIo, reportError } from './runtime.ts';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  serveCommand,
  dbMigrateCommand,
  userCreateCommand,
  userSetPasswordCommand,
  orgCreateCommand,
  orgListCommand,
  orgAddMemberCommand,
  orgShowCommand,
  orgRotateKeyCommand,
  tokenCreateCommand,
  issueCommand,
  credentialRevokeCommand,
  credentialSuspendCommand,
  credentialReinstateCommand,
  verifyCommand,
  auditVerifyCommand,
  demoSeedCommand,
  // skills commands
  skillsImportCommand,
  // catalogue commands
  catalogueImportCommand,
  // assessments commands
  // issuance commands
  issueBulkCommand,
  resultsImportCommand,
  // skill extraction commands
  skillsExtractCommand,
  // skill profile commands
  pathCommand,
  // pathways commands
  pathwayProgressCommand,
  // credential files commands
  credentialBakeCommand,
];

export function version(): string {
  // The same relative path works from src/cli/main.ts and from the build in dist/cli/main.js.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function rootHelp(): string {
  const rows = COMMANDS.map((command) => [command.name, firstSentence(command.summary)] as const);
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    `credstack ${version()}: open, self-hostable micro-credentials (Open Badges 3.0 / W3C VC)`,
    '',
    'Usage: credstack <command> [options]',
    '',
    'Commands:',
    ...rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    'Options:',
    "  -h, --help     Show help; after a command, that command's help (credstack user create --help)",
    '  -V, --version  Print the version',
    '',
    'Configuration comes from environment variables (see .env.example): DATA_DIR (default ./data) holds the',
    'embedded database unless DATABASE_URL points at PostgreSQL. Commands that open the database apply',
    'pending migrations first. On the embedded database only one process may use DATA_DIR at a time: while',
    'the server runs, use its API instead, or stop it.',
    '',
    'Exit codes: 0 success, 1 failure, 2 usage error.',
    '',
  ].join('\n');
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end);
}

function groupHelp(group: string, commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `Usage: credstack ${group} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${firstSentence(command.summary)}`),
    '',
    `Run \`credstack ${group} <command> --help\` for a command's options.`,
    '',
  ].join('\n');
}

/**
 * Runs the `credstack` command line and resolves to the exit code: 0 success, 1 failure (including service
 * errors, printed as `error: …`), 2 usage error (printed with the usage on standard error).
 */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [first, second, ...rest] = argv;
  if (first === undefined) {
    io.err(rootHelp());
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.out(rootHelp());
    return EXIT_OK;
  }
  if (first === '--version' || first === '-V') {
    io.out(`${version()}\n`);
    return EXIT_OK;
  }

  let command = second !== undefined ? COMMANDS.find((c) => c.name === `${first} ${second}`) : undefined;
  let args = rest;
  if (!command) {
    command = COMMANDS.find((c) => c.name === first);
    args = second === undefined ? rest : [second, ...rest];
  }
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (group.length > 0) {
      if (second === '--help' || second === '-h') {
        io.out(groupHelp(first, group));
        return EXIT_OK;
      }
      io.err(
        second === undefined || second.startsWith('-')
          ? `error: \`credstack ${first}\` needs a command\n\n`
          : `error: unknown command "${first} ${second}"\n\n`,
      );
      io.err(groupHelp(first, group));
      return EXIT_USAGE;
    }
    io.err(
      first.startsWith('-') ? `error: unknown option ${first}\n\n` : `error: unknown command "${first}"\n\n`,
    );
    io.err(rootHelp());
    return EXIT_USAGE;
  }

  try {
    const parsed = parseCommandArgs(command, args, io);
    if (parsed.help) {
      io.out(commandHelp(command));
      return EXIT_OK;
    }
    return await command.run(parsed.ctx);
  } catch (error) {
    return reportError(
      error instanceof UsageError && !error.command ? new UsageError(error.message, command) : error,
      io,
    );
  }
}

/** True when this file is the program being run (`node --import tsx src/cli/main.ts …`), not an import. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await runCli(process.argv.slice(2));
  process.exitCode = code;
}
