import { serve } from '@hono/node-server';
import { prepareFirstCoordinator, signInUrl, FIRST_COORDINATOR } from '../console/auth/accounts.js';
import { describeGroupCheck } from '../channels/telegram/volunteers/check.js';
import { countCoordinators } from '../handoff/volunteers.js';
import { bootOrExit } from './boot.js';

/** `npm start`: the Node server. */
async function main() {
  const booted = await bootOrExit(process.env, { sweep: true });
  const { config, logger, relais, database, startupMs } = booted;
  // A newcomer on the embedded database gets a coordinator and a link, once; a deployment on
  // PostgreSQL is told how to make its first coordinator.
  const first = database.driver === 'pglite' ? await prepareFirstCoordinator(database.db, new Date()) : undefined;
  const noCoordinator = database.driver === 'postgres' && (await countCoordinators(database.db)) === 0;

  const server = serve({ fetch: relais.app.fetch, port: config.port }, (info) => {
    const base = config.publicUrl ?? `http://localhost:${info.port}`;
    logger.info('server.started', {
      port: info.port,
      database: database.driver,
      channels: relais.channels.map((c) => c.name),
      startupMs,
    });
    const lines = [`Relais is running on ${base} (database: ${database.driver}, ready in ${startupMs} ms)`];
    if (config.simulatorEnabled) lines.push(`  Local web chat:    ${base}/chat`);
    lines.push(`  Volunteer console: ${base}/console`, `  Health:            ${base}/healthz`);
    if (config.telegram) lines.push(`  Telegram webhook:  ${base}/webhooks/telegram`);
    if (config.whatsapp) lines.push(`  WhatsApp webhook:  ${base}/webhooks/whatsapp`);
    if (first?.status === 'created') {
      lines.push(
        `Sign in to the console: ${signInUrl(base, first.signInToken)}`,
        `  (the first coordinator's one-time link, valid 24 hours; for a new one, stop the server and run`,
        `  npm run volunteers -- link --email ${FIRST_COORDINATOR.email})`,
      );
    }
    if (noCoordinator) {
      lines.push('No coordinator yet: npm run volunteers -- add --email you@example.org --name "Your name" --role coordinator');
    }
    console.log(lines.join('\n'));
    // After listening: asking Telegram may take a while, and a group that cannot be used stops nothing.
    void relais.volunteersGroup
      ?.check()
      .then((check) => (check.status === 'ok' ? console.log : console.warn)(describeGroupCheck(check)))
      .catch((error: unknown) => logger.error('telegram.group_check_failed', { error }));
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('server.stopping', { signal });
    // Stop taking requests; close() resolves when those in flight are done.
    server.close(async () => {
      try {
        await booted.close();
        logger.info('server.stopped');
        process.exit(0);
      } catch (error) {
        logger.error('server.stop_failed', { error });
        process.exit(1);
      }
    });
    // Idle keep-alive sockets would hold close() open.
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
