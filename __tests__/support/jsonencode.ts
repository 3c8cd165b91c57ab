import { parse } from '@cdktf/hcl2json';

/**
 * Decodes a synthesized `${jsonencode({...})}` value back into the object it encodes, with
 * HashiCorp's HCL parser. References come back as "${aws_x.y.attr}" strings.
 */
export async function decodeJsonencode(value: unknown): Promise<any> {
  const match = typeof value === 'string' ? /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(value) : null;
  if (!match) throw new Error(`expected a \${jsonencode(...)} expression, got ${JSON.stringify(value)}`);
  const parsed = (await parse('value.tf', `value = ${match[1]}\n`)) as { value: unknown };
  return parsed.value;
}
