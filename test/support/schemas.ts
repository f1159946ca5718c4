import { z } from 'zod';

/** Every export of src/<feature>/schemas.ts that is a zod schema, or builds one (see FACTORIES). */
const modules = import.meta.glob<Record<string, unknown>>('../../src/*/schemas.ts', { eager: true });

/** Exports that build a schema from an argument; every other function export must be listed as not a schema. */
const FACTORIES: Record<string, (f: (...a: unknown[]) => unknown) => unknown> = {
  tripInputSchema: (f) => f('2026-12-07'),
};
const NOT_SCHEMAS = new Set(['ftsQuery', 'readTripForm', 'emptyDraft', 'uploadFields', 'postedScreenshot']);

export type Schema = z.ZodType;
const isSchema = (v: unknown): v is Schema => v instanceof z.ZodType;

export function collectSchemas(): { name: string; schema: Schema }[] {
  const out: { name: string; schema: Schema }[] = [];
  for (const [file, mod] of Object.entries(modules)) {
    for (const [key, value] of Object.entries(mod)) {
      const name = `${file.replace('../../src/', '')}:${key}`;
      if (isSchema(value)) out.push({ name, schema: value });
      else if (typeof value === 'function' && key in FACTORIES) {
        const built = FACTORIES[key](value as (...a: unknown[]) => unknown);
        if (!isSchema(built)) throw new Error(`${name} did not build a schema`);
        out.push({ name, schema: built });
      } else if (typeof value === 'function' && !NOT_SCHEMAS.has(key))
        throw new Error(`${name} is a function: list it in FACTORIES or NOT_SCHEMAS`);
    }
  }
  return out;
}

type Def = {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
};
const def = (s: Schema) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object under wrappers, refinements and transforms; null when there is none. */
export function objectOf(s: Schema): Record<string, Schema> | null {
  for (let cur: Schema | undefined = s, i = 0; cur && i < 20; i++) {
    const d = def(cur);
    if (d.type === 'object') return d.shape!;
    cur = d.innerType ?? d.in;
  }
  return null;
}

/** The array element under wrappers (the trip form's departures), when it is an object. */
export function arrayOfObjects(s: Schema): Record<string, Schema> | null {
  for (let cur: Schema | undefined = s, i = 0; cur && i < 20; i++) {
    const d = def(cur);
    if (d.type === 'array') return d.element ? objectOf(d.element) : null;
    cur = d.innerType ?? d.in ?? d.out;
  }
  return null;
}

/** Every field name the schemas read (the trip form's rows as departures[0][capacity]). */
export function fieldNames(): string[] {
  const names = new Set<string>();
  for (const { schema } of collectSchemas()) {
    for (const [key, field] of Object.entries(objectOf(schema) ?? {})) {
      names.add(key);
      for (const k of Object.keys(arrayOfObjects(field) ?? {})) names.add(`${key}[0][${k}]`);
    }
  }
  return [...names].sort();
}
