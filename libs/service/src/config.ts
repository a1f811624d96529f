import { z, type ZodTypeAny } from 'zod';

/** One configuration variable: where it comes from, what it means, whether it is secret. */
export interface ConfigVariable<S extends ZodTypeAny = ZodTypeAny> {
  /** Environment variable name. */
  env: string;
  /** Validation and coercion (zod). Give defaults with `.default()`. */
  schema: S;
  description: string;
  /** Sensitive values are never logged nor printed in config tables. */
  sensitive?: boolean;
}

export type ConfigSpec = Record<string, ConfigVariable>;
export type ConfigOf<T extends ConfigSpec> = { [K in keyof T]: z.output<T[K]['schema']> };

/** Thrown at boot when configuration is invalid; lists every problem, never a sensitive value. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Declares a config spec (identity; keeps the literal types). */
export const defineConfig = <T extends ConfigSpec>(spec: T): T => spec;

/**
 * Validates `env` (default `process.env`) against `spec` and returns the typed values.
 * Empty strings count as unset. Throws ConfigError naming every invalid or missing variable.
 */
export const loadConfig = <T extends ConfigSpec>(
  spec: T,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<T> => {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(spec)) {
    const raw = env[variable.env];
    const parsed = variable.schema.safeParse(raw === '' ? undefined : raw);
    if (parsed.success) out[key] = parsed.data;
    else
      problems.push(
        `${variable.env}: ${parsed.error.issues.map((i) => i.message).join('; ')} (${variable.description})`,
      );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<T>;
};

/** A Markdown table of a spec (variable, default, description), for READMEs and `--help`. */
export const configTable = (spec: ConfigSpec): string => {
  const rows = Object.values(spec).map((v) => {
    const parsed = v.schema.safeParse(undefined);
    const dflt = v.sensitive
      ? '(secret)'
      : !parsed.success
        ? '(required)'
        : parsed.data === undefined
          ? '(unset)'
          : `\`${typeof parsed.data === 'string' ? parsed.data : JSON.stringify(parsed.data)}\``;
    return `| \`${v.env}\` | ${dflt} | ${v.description} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
};

/** Common zod helpers for env values. */
export const env = {
  int: (dflt: number) => z.coerce.number().int().default(dflt),
  bool: (dflt: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(dflt ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  url: (dflt?: string) => (dflt === undefined ? z.string().url() : z.string().url().default(dflt)),
  string: (dflt?: string) => (dflt === undefined ? z.string().min(1) : z.string().default(dflt)),
  optionalString: () => z.string().optional(),
};
