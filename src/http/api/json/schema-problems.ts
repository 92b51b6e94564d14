// A checker for the subset of JSON Schema (OpenAPI 3.1) that openapi.ts uses: type (one or a
// list, 'null' for nullable), enum, required, properties, additionalProperties, items,
// minItems/maxItems, minimum/maximum, minLength/maxLength, format date-time and local $refs.
// It lists every problem with its path, so a failing test says what differs. `closed`: an object
// schema with `properties` and no `additionalProperties` accepts no other key (an answer must not
// carry undocumented fields).
type Schema = Record<string, unknown>;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The schema a local `$ref` (`#/components/schemas/X`) points to in `document`. */
export function resolveRef(document: unknown, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`schema: only local $refs are supported, got ${ref}`);
  let node: unknown = document;
  for (const part of ref.slice(2).split('/')) {
    if (typeof node !== 'object' || node === null || !(part in node))
      throw new Error(`schema: ${ref} points nowhere`);
    node = (node as Record<string, unknown>)[part];
  }
  return node as Schema;
}

export function schemaProblems(
  document: unknown,
  schema: Schema,
  value: unknown,
  options: { closed?: boolean } = {},
  path = '$',
): string[] {
  if (typeof schema.$ref === 'string')
    return schemaProblems(document, resolveRef(document, schema.$ref), value, options, path);
  const problems: string[] = [];
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const fits = types.includes(actual) || (actual === 'integer' && types.includes('number'));
    if (!fits) return [`${path}: expected ${types.join(' or ')}, got ${actual}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      problems.push(`${path}: ${value} < minimum ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      problems.push(`${path}: ${value} > maximum ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      problems.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      problems.push(`${path}: longer than ${schema.maxLength}`);
    if (
      schema.format === 'date-time' &&
      !(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value) && !isNaN(Date.parse(value)))
    )
      problems.push(`${path}: ${JSON.stringify(value)} is not a date-time`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      problems.push(`${path}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      problems.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items)
      value.forEach((item, i) =>
        problems.push(...schemaProblems(document, schema.items as Schema, item, options, `${path}[${i}]`)),
      );
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? [])
      if (!(key in object)) problems.push(`${path}: missing required ${key}`);
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, v] of Object.entries(object)) {
      const p = properties[key];
      const extra = schema.additionalProperties;
      if (p) problems.push(...schemaProblems(document, p, v, options, `${path}.${key}`));
      else if (typeof extra === 'object' && extra !== null)
        problems.push(...schemaProblems(document, extra as Schema, v, options, `${path}.${key}`));
      else if (extra === false || (extra === undefined && options.closed && schema.properties))
        problems.push(`${path}: unexpected property ${key}`);
    }
  }
  return problems;
}
