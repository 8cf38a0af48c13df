import { ConfigError, parseConfig, type Config } from '../config/config.js';

/**
 * The configuration for a command that returns its exit code: a wrong configuration prints every
 * problem (each variable named) and gives undefined, for the command to exit 1.
 */
export function readConfigOrSay(env: NodeJS.ProcessEnv): Config | undefined {
  try {
    return parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return undefined;
  }
}
