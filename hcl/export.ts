/**
 * Export of synthesized stacks as Terraform modules in HCL: one directory per stack with
 * versions.tf, providers.tf, variables.tf, main.tf, outputs.tf, terraform.tfvars.example and
 * README.md, verified after writing (./verify.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { convertStack, MODULE_FILES, README, TFVARS_EXAMPLE, type ConvertedModule, type ConvertOptions } from './convert.js';
import { HclExportError } from './errors.js';
import { renderReadme } from './readme.js';
import { SchemaRegistry } from './schema.js';
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
  /** Present when verification ran. */
  readonly report?: VerificationReport;
}

/** Files this exporter writes; anything else ending in .tf or .tf.json in the target is refused. */
const OWN_FILES = new Set<string>([...MODULE_FILES, TFVARS_EXAMPLE, README]);

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
  const module = await convertStack(tfJson, props);
  const moduleDir = resolve(props.moduleDir);
  prepareDirectory(moduleDir);
  for (const [name, text] of module.files) writeFileSync(join(moduleDir, name), text);
  writeFileSync(join(moduleDir, README), renderReadme(props.stackName, module));
  if (props.verify === false) return { stackName: props.stackName, moduleDir, module };
  const report = await verifyModule(moduleDir, tfJson, module.refinements);
  const problems = problemsOf(report);
  if (problems.length > 0) {
    throw new HclExportError('internal', `The module written to ${moduleDir} failed verification:\n  ${problems.join('\n  ')}`);
  }
  return { stackName: props.stackName, moduleDir, module, report };
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
