import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const dir = new URL('../../../schemas/', import.meta.url);

/** The payload schemas of schemas/*.json, compiled (draft 2020-12). */
export const SCHEMA_FILES = ['vrrp-instance-state', 'vrrp-group-state', 'real-server-state', 'quorum', 'event'] as const;
export type SchemaName = (typeof SCHEMA_FILES)[number];

const ajv = new Ajv2020({ strict: true, allErrors: true });
// RFC 3339 date-time, as JSON Schema's `format: date-time` means it.
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i);

const validators = new Map<SchemaName, ValidateFunction>();
for (const name of SCHEMA_FILES) {
  const schema = JSON.parse(readFileSync(new URL(`${name}.schema.json`, dir), 'utf8')) as object;
  validators.set(name, ajv.compile(schema));
}

/** Throws with ajv's errors unless `payload` (JSON text) is valid against the named schema. */
export function assertValid(name: SchemaName, payload: string): unknown {
  const v = validators.get(name);
  if (!v) throw new Error(`no schema ${name}`);
  const data = JSON.parse(payload) as unknown;
  if (!v(data)) throw new Error(`${name}: ${ajv.errorsText(v.errors)} in ${payload}`);
  return data;
}
