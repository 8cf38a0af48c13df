import { ConfigError, parseConfig } from '../config/config.js';
import { openDatabase } from '../storage/database.js';
import { migrateDatabase } from '../storage/migrate.js';
import { join } from 'node:path';

/** `npm run db:migrate`: applies `drizzle/` to DATABASE_URL (or the embedded database in DATA_DIR). */
try {
  const config = parseConfig(process.env);
  const database = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl, maxConnections: 1 } : { dataDir: join(config.dataDir, 'pglite') },
  );
  await migrateDatabase(database);
  await database.close();
  console.log(`Migrations applied (${database.driver}).`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
