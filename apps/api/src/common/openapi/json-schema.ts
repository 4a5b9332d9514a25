import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import * as contracts from '@latchkey/contracts';

type JsonSchema = Record<string, unknown>;

/** The JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod contract, as read or as written. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  delete json.$schema;
  return io === 'input' ? describeDefaults(json) : json;
}

/**
 * A field a client may leave out keeps its default in words, not as `default`: client
 * generators (openapi-typescript by default) type a property with a `default` as always
 * present, which is true of a response and wrong of a request.
 */
function describeDefaults(node: JsonSchema): JsonSchema {
  if (Array.isArray(node)) return node.map((item) => describeDefaults(item as JsonSchema)) as never;
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'default') continue;
    out[key] =
      key === 'properties'
        ? Object.fromEntries(
            Object.entries(value as JsonSchema).map(([name, field]) => [
              name,
              describeDefaults(field as JsonSchema),
            ]),
          )
        : typeof value === 'object' && value !== null
          ? describeDefaults(value as JsonSchema)
          : value;
  }
  if ('default' in node) {
    const said = `Default: ${JSON.stringify(node.default)}.`;
    out.description = typeof node.description === 'string' ? `${node.description} ${said}` : said;
  }
  return out;
}

const isZodSchema = (value: unknown): value is z.ZodType =>
  typeof value === 'object' && value !== null && '_zod' in value;

/** Each exported contract schema's component name: `userSchema` is `User`. */
const CONTRACT_NAMES = new Map<z.ZodType, string>(
  Object.entries(contracts)
    .filter(([name, value]) => name.endsWith('Schema') && isZodSchema(value))
    .map(([name, value]) => {
      const base = name.slice(0, -'Schema'.length);
      return [value as z.ZodType, base.charAt(0).toUpperCase() + base.slice(1)];
    }),
);

/** Named schemas met so far, for `components.schemas`. */
const COMPONENTS = new Map<string, JsonSchema>();

/**
 * A contract schema as a `$ref` to a named component (client generators make one type of it);
 * a schema that is not exported by the contracts stays inline. A request schema that reads
 * differently from how it is written (defaults, transforms) gets its own `…Input` name.
 */
function named(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = jsonSchemaOf(schema, io);
  const base = CONTRACT_NAMES.get(schema);
  if (!base) return json;
  const same = io === 'output' || isDeepStrictEqual(json, jsonSchemaOf(schema, 'output'));
  const name = same ? base : `${base}Input`;
  COMPONENTS.set(name, json);
  return { $ref: `#/components/schemas/${name}` };
}

export function requestSchema(schema: z.ZodType): JsonSchema {
  return named(schema, 'input');
}

export function responseSchema(schema: z.ZodType): JsonSchema {
  return named(schema, 'output');
}

/** Every contract schema an operation named, by component name. */
export function contractComponents(): Record<string, JsonSchema> {
  return Object.fromEntries([...COMPONENTS].sort(([a], [b]) => a.localeCompare(b)));
}
