import type { Handler } from 'hono';
import type { DatabaseHandle } from '../storage/database.js';

/**
 * `GET /metrics`: counters in Prometheus's text format, for operators and the bench. Nothing about
 * people: only how much this process asked of its database.
 */
export function metricsHandler(database: DatabaseHandle): Handler {
  return function metrics(c) {
    const { statements, transactions } = database.stats;
    const lines = [
      '# HELP relais_db_statements_total Statements this process sent to the database.',
      '# TYPE relais_db_statements_total counter',
      `relais_db_statements_total{driver="${database.driver}"} ${statements}`,
      '# HELP relais_db_transactions_total Explicit transactions this process ran (statements outside them commit alone).',
      '# TYPE relais_db_transactions_total counter',
      `relais_db_transactions_total{driver="${database.driver}"} ${transactions}`,
    ];
    return c.text(`${lines.join('\n')}\n`, 200, { 'content-type': 'text/plain; version=0.0.4' });
  };
}
