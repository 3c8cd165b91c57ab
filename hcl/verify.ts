/**
 * Proof that an exported module is what it claims to be:
 * 1. every file parses with HashiCorp's HCL parser (@cdktf/hcl2json);
 * 2. the parsed module equals the synthesized cdk.tf.json after normalizing expression
 *    spelling, except where the export deliberately refines it (each refinement has a reason);
 * 3. hclwrite's `format` (@cdktf/hcl-tools) leaves every file unchanged;
 * 4. no interpolation-only strings and no quoted references or keywords (./structure.ts);
 * 5. the directory holds only the module's own files: no *.tf.json next to the *.tf files.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject } from '../core/json.js';
import { parse } from '@cdktf/hcl2json';
import { format } from '@cdktf/hcl-tools';
import { MODULE_FILES, README, TFVARS_EXAMPLE, type Refinement } from './convert/convert.js';
import { canonicalize, diffCanonical, type Difference } from './semantic.js';
import { checkStructure, type StructureFinding } from './structure.js';
import { PROBE_APP_FILE } from './module/module.js';

/** The shared plain-object test, typed for this file's JSON. */
const isObject: (v: unknown) => v is Record<string, Json> = isPlainObject;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Files Terraform or its users may leave in a module directory; they are not part of the export. */
const TERRAFORM_WORKING_FILES = /^(\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate(\.backup)?|terraform\.tfvars)$/;

export interface FormattingProblem {
  readonly file: string;
  /** 1-based first line that `format` changes. */
  readonly line: number;
  readonly written: string;
  readonly formatted: string;
}

export interface VerificationReport {
  readonly dir: string;
  readonly parseErrors: readonly { readonly file: string; readonly message: string }[];
  readonly differences: readonly Difference[];
  readonly formatting: readonly FormattingProblem[];
  readonly structure: readonly StructureFinding[];
  /** Files in the directory that do not belong to the module (e.g. a stray cdk.tf.json). */
  readonly strayFiles: readonly string[];
  /** The merged Terraform-JSON view of the module, as hcl2json parsed it. */
  readonly parsed: Readonly<Record<string, Json>>;
}

/** Every problem of a report, one line each; empty when the module is proven. */
export function problemsOf(report: VerificationReport): string[] {
  return [
    ...report.parseErrors.map((p) => `${p.file}: does not parse: ${p.message}`),
    ...report.differences.map((d) => `${d.path}: cdk.tf.json has ${d.expected}, the module has ${d.actual}`),
    ...report.formatting.map(
      (f) => `${f.file}:${f.line}: not canonical; format writes ${JSON.stringify(f.formatted)} for ${JSON.stringify(f.written)}`,
    ),
    ...report.structure.map((s) => `${s.file}:${s.line}: ${s.problem} at ${s.path}: ${s.text}`),
    ...report.strayFiles.map((f) => `${f}: does not belong in the module directory (Terraform would load it together with the .tf files)`),
  ];
}

/** HCL files of the module that Terraform reads, plus the tfvars example (also HCL). */
export function hclFilesOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tf') || f === TFVARS_EXAMPLE)
    .sort();
}

/** Verifies the module in `dir` against the synthesized configuration it was exported from. */
export async function verifyModule(dir: string, tfJson: unknown, refinements: readonly Refinement[]): Promise<VerificationReport> {
  const parseErrors: { file: string; message: string }[] = [];
  const formatting: FormattingProblem[] = [];
  const structure: StructureFinding[] = [];
  const parts: Record<string, Json>[] = [];

  const exampleFiles = existsSync(join(dir, 'examples'))
    ? readdirSync(join(dir, 'examples')).flatMap((e) => hclFilesOf(join(dir, 'examples', e)).map((f) => join('examples', e, f)))
    : [];
  for (const file of [...hclFilesOf(dir), ...exampleFiles]) {
    const text = readFileSync(join(dir, file), 'utf8');
    let parsed: Record<string, Json>;
    try {
      parsed = (await parse(file, text)) as Record<string, Json>;
    } catch (e) {
      parseErrors.push({ file, message: (e as Error).message });
      continue;
    }
    if (file.endsWith('.tf') && !file.startsWith('examples')) parts.push(parsed);
    const formatted = await format(text);
    if (formatted !== text) formatting.push(firstChange(file, text, formatted));
    try {
      structure.push(...(await checkStructure(file, text)));
    } catch (e) {
      parseErrors.push({ file, message: `structure scan: ${(e as Error).message}` });
    }
  }

  const parsed = mergeModule(parts);
  const ignore = new Set(refinements.map((r) => r.path.join('.')));
  const differences =
    parseErrors.length > 0
      ? []
      : diffCanonical(await canonicalize(tfJson as Json, 'json'), await canonicalize(parsed as Json, 'hcl'), ignore);

  const allowed = new Set<string>([...MODULE_FILES, README, TFVARS_EXAMPLE, PROBE_APP_FILE, 'examples']);
  const strayFiles = readdirSync(dir).filter((f) => !allowed.has(f) && !TERRAFORM_WORKING_FILES.test(f));
  return { dir, parseErrors, differences, formatting, structure, strayFiles, parsed };
}

/** Merges the Terraform-JSON views of a module's files as Terraform does: blocks accumulate. */
export function mergeModule(parts: readonly Record<string, Json>[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const part of parts) mergeInto(out, part, 0);
  return out;
}

function mergeInto(target: Record<string, Json>, source: Record<string, Json>, depth: number): void {
  for (const [k, v] of Object.entries(source)) {
    const have = target[k];
    if (have === undefined) target[k] = v;
    else if (Array.isArray(have) && Array.isArray(v)) target[k] = [...have, ...v];
    else if (depth < 2 && isObject(have) && isObject(v)) mergeInto(have, v, depth + 1);
    else throw new Error(`${k} is declared twice across the module's files`);
  }
}

function firstChange(file: string, written: string, formatted: string): FormattingProblem {
  const a = written.split('\n');
  const b = formatted.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i += 1;
  return { file, line: i + 1, written: a[i] ?? '(end of file)', formatted: b[i] ?? '(end of file)' };
}
