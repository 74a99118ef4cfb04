// Reads a JSON config file once and validates it against a part's zod schema, with errors that name the field.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { describeIssues } from '../validation-issues.ts';

/** Validates a value against a schema or throws a ConfigError naming each bad field. */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, source: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(`Invalid configuration in ${source}: ${describeIssues(result.error.issues)}`, {
      source,
    });
  }
  return result.data;
}

/** Loads and validates a JSON config file. */
export async function loadConfigFile<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}: ${(error as Error).message}`, { path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Config file ${path} is not valid JSON: ${(error as Error).message}`, { path });
  }
  return parseConfig(schema, value, path);
}
