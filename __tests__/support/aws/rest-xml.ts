/**
 * Serializes a value in the AWS CLI's JSON shape to REST-XML, driven by the service model the
 * CLI itself carries (botocore data), so the stub answers CloudFront exactly as the CLI parses it:
 * structure members are elements named by their locationName (or member name), lists wrap each
 * item in the list member's locationName, booleans and numbers are text.
 */
import { readFileSync } from 'node:fs';
import type { create } from 'xmlbuilder2';

type XMLBuilder = ReturnType<typeof create>;

interface Shape {
  type: string;
  members?: Record<string, { shape: string; locationName?: string; location?: string }>;
  member?: { shape: string; locationName?: string };
}

const CLOUDFRONT_MODEL = '/usr/lib/python3/dist-packages/awscli/botocore/data/cloudfront/2020-05-31/service-2.json';
let shapes: Record<string, Shape> | undefined;

function model(): Record<string, Shape> {
  shapes ??= (JSON.parse(readFileSync(CLOUDFRONT_MODEL, 'utf8')) as { shapes: Record<string, Shape> }).shapes;
  return shapes;
}

/** Appends `value` (of model shape `shapeName`) as children of `parent`. */
export function appendShape(parent: XMLBuilder, shapeName: string, value: unknown): void {
  const shape = model()[shapeName];
  if (!shape) throw new Error(`rest-xml: no shape ${shapeName}`);
  if (shape.type === 'structure') {
    for (const [name, m] of Object.entries(shape.members ?? {})) {
      const v = (value as Record<string, unknown>)[name];
      if (v === undefined || m.location === 'header') continue;
      const child = parent.ele(m.locationName ?? name);
      appendValue(child, m.shape, v);
    }
    return;
  }
  throw new Error(`rest-xml: ${shapeName} is not a structure`);
}

function appendValue(el: XMLBuilder, shapeName: string, value: unknown): void {
  const shape = model()[shapeName]!;
  if (shape.type === 'structure') return appendShape(el, shapeName, value);
  if (shape.type === 'list') {
    for (const item of value as unknown[]) appendValue(el.ele(shape.member!.locationName ?? 'member'), shape.member!.shape, item);
    return;
  }
  el.txt(String(value));
}
