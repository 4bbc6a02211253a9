/** What a one-shot CLI command needs: the configuration and the services, quiet, closed afterwards. */
import { loadConfig, ConfigError, type Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createServices, type Services } from '../services.ts';

export function configOrExit(overrides: Partial<Config> = {}): Config {
  try {
    return { ...loadConfig(), ...overrides };
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export async function withServices<T>(fn: (services: Services) => Promise<T>): Promise<T> {
  const config = configOrExit({ logLevel: 'warn' });
  const services = await createServices(config, createLogger(config, process.stderr as never));
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

export const say = (line: string): void => void process.stderr.write(`${line}\n`);
