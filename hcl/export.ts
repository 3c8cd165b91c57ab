/**
 * Export of synthesized stacks as Terraform modules in HCL: one directory per stack with
 * versions.tf, providers.tf, variables.tf, main.tf, outputs.tf, terraform.tfvars.example and
 * README.md, verified after writing (./verify.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { convertStack, MODULE_FILES, README, TFVARS_EXAMPLE, type ConvertedModule, type ConvertOptions } from './convert/convert.js';
import { HclExportError } from './errors.js';
import { renderReadme } from './readme.js';
import { SchemaRegistry } from './schema.js';
import { renderExamples } from './examples.js';
import { PROBE_APP_FILE, toReusableModule, type ReusableModule } from './module/module.js';
import type { JsonObject } from './module/inputs.js';
import { problemsOf, verifyModule, type VerificationReport } from './verify.js';

export interface ExportStackProps extends ConvertOptions {
  readonly stackName: string;
  /** The synthesized cdk.tf.json. */
  readonly tfJsonPath: string;
  /** The module directory to write (created if missing). */
  readonly moduleDir: string;
  /**
   * Verify the written module and throw when it fails.
   * @default true
   */
  readonly verify?: boolean;
}

export interface ExportedStack {
  readonly stackName: string;
  readonly moduleDir: string;
  readonly module: ConvertedModule;
  /** The stack reshaped as a reusable module (Terraform JSON), which the .tf files spell in HCL. */
  readonly reusable: ReusableModule;
  /** Files of examples/ (relative path -> text). */
  readonly examples: ReadonlyMap<string, string>;
  /** Present when verification ran. */
  readonly report?: VerificationReport;
}

/** Files this exporter writes; anything else ending in .tf or .tf.json in the target is refused. */
const OWN_FILES = new Set<string>([...MODULE_FILES, TFVARS_EXAMPLE, README, PROBE_APP_FILE]);

export async function exportStack(props: ExportStackProps): Promise<ExportedStack> {
  let tfJson: unknown;
  try {
    tfJson = JSON.parse(readFileSync(props.tfJsonPath, 'utf8'));
  } catch (e) {
    throw new HclExportError(
      'usage',
      `Cannot read the synthesized stack ${props.tfJsonPath}: ${(e as Error).message}. Run the synthesis first.`,
      { cause: e },
    );
  }
  if (typeof tfJson !== 'object' || tfJson === null || Array.isArray(tfJson))
    throw new HclExportError('usage', 'The synthesized configuration must be a JSON object (Terraform JSON syntax).');
  const reusable = toReusableModule(tfJson as JsonObject, props.stackName);
  const module = await convertStack(reusable.tfJson, { ...props, comments: reusable.comments });
  const examples = await renderExamples(reusable, module.variables);
  const moduleDir = resolve(props.moduleDir);
  prepareDirectory(moduleDir);
  for (const [name, text] of [...module.files, ...reusable.files, ...examples]) {
    mkdirSync(dirname(join(moduleDir, name)), { recursive: true });
    writeFileSync(join(moduleDir, name), text);
  }
  writeFileSync(join(moduleDir, README), renderReadme(props.stackName, module, reusable));
  const result = { stackName: props.stackName, moduleDir, module, reusable, examples };
  if (props.verify === false) return result;
  const report = await verifyModule(moduleDir, reusable.tfJson, module.refinements);
  const problems = problemsOf(report);
  if (problems.length > 0) {
    throw new HclExportError('internal', `The module written to ${moduleDir} failed verification:\n  ${problems.join('\n  ')}`);
  }
  return { ...result, report };
}

export interface ExportSynthesizedProps extends ConvertOptions {
  /** cdktf's output directory (holding manifest.json). */
  readonly synthDir: string;
  /** One module directory per stack is written below it. */
  readonly outDir: string;
  /** @default true */
  readonly verify?: boolean;
}

/** Exports every stack listed in cdktf's manifest.json. */
export async function exportSynthesized(props: ExportSynthesizedProps): Promise<ExportedStack[]> {
  const manifestPath = join(props.synthDir, 'manifest.json');
  let manifest: { stacks?: Record<string, { synthesizedStackPath?: string }> };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
  } catch (e) {
    throw new HclExportError('usage', `Cannot read ${manifestPath}: ${(e as Error).message}. Synthesize the stacks first.`, { cause: e });
  }
  const schemas = props.schemas ?? new SchemaRegistry();
  const out: ExportedStack[] = [];
  for (const [stackName, stack] of Object.entries(manifest.stacks ?? {})) {
    if (!stack.synthesizedStackPath?.endsWith('.json')) {
      throw new HclExportError(
        'usage',
        `Stack ${stackName} was synthesized as ${stack.synthesizedStackPath}; the export reads cdk.tf.json (synthesize without --hcl).`,
      );
    }
    out.push(
      await exportStack({
        ...props,
        schemas,
        stackName,
        tfJsonPath: join(props.synthDir, stack.synthesizedStackPath),
        moduleDir: join(props.outDir, stackName),
      }),
    );
  }
  return out;
}

/**
 * Creates the module directory, or checks that an existing one holds nothing Terraform would
 * load besides this module: a cdk.tf.json or cdk.tf left there would be read together with the
 * new files and declare everything twice.
 */
function prepareDirectory(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    return;
  }
  const foreign = readdirSync(dir).filter((f) => (f.endsWith('.tf') || f.endsWith('.tf.json')) && !OWN_FILES.has(f));
  if (foreign.length > 0) {
    throw new HclExportError(
      'usage',
      `Refusing to export into ${dir}: it holds ${foreign.join(', ')}, which Terraform would load together with the exported .tf files. ` +
        'Choose an empty output directory (e.g. hcl-out/) or remove those files.',
    );
  }
}
