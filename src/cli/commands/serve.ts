import { CliError, defineCommand, EXIT_OK } from '../command.ts';
import { cliConfig } from '../runtime.ts';

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'Migrate the database, then serve the web application and the API until stopped.',
  options: {
    'seed-if-empty': {
      type: 'boolean',
      description:
        'On a database without users, create the demo organisation and users and print their logins',
    },
  },
  details: [
    'Listens on HOST:PORT (default 127.0.0.1:3000), over HTTPS when TLS_CERT and TLS_KEY are set.',
    'Ctrl+C (SIGINT) or SIGTERM stops it gracefully: in-flight requests finish, queued mail is sent.',
    'Seeding also needs DEMO_SEED (default true, except in production).',
  ],
  examples: ['credstack serve --seed-if-empty', 'PORT=8080 credstack serve'],
  async run(ctx) {
    const config = cliConfig(ctx.io);
    const { startServer } = await import('../../server.ts');
    let server: Awaited<ReturnType<typeof startServer>>;
    try {
      server = await startServer(config, {
        seedIfEmpty: ctx.flag('seed-if-empty'),
        print: (line) => ctx.io.out(`${line}\n`),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') {
        throw new CliError(
          code === 'EADDRINUSE'
            ? `Port ${config.port} on ${config.host} is already in use: stop the other program or set PORT to a free port`
            : `Not allowed to listen on ${config.host}:${config.port}: choose a PORT above 1023 or another HOST`,
          { cause: error },
        );
      }
      throw error;
    }
    // The signal handler exits the process once shutdown is done; this resolves just before.
    await server.closed;
    return EXIT_OK;
  },
});
