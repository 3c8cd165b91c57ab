/**
 * Terraform override files (`--terraform-override FILE`): files named `*_override.tf.json` or
 * `*_override.tf` that Terraform merges over the synthesized configuration, e.g. to point the
 * provider at LocalStack or another emulator, or to pin another provider version. They are
 * copied into the stack directory before `terraform init`, and stay there for `down` and
 * `recover`.
 */
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { inputError } from '../../../../core/errors.js';

const OVERRIDE_NAME = /(^|_)override\.tf(\.json)?$/;

/** Checks each file exists and has an override file's name; returns absolute paths. Usage error otherwise. */
export function checkOverrides(files: readonly string[], cwd: string): string[] {
  return files.map((f) => {
    const path = resolve(cwd, f);
    if (!OVERRIDE_NAME.test(basename(path))) {
      throw inputError('--terraform-override', f, 'a file named *_override.tf.json or *_override.tf (or override.tf[.json])');
    }
    if (!existsSync(path) || !statSync(path).isFile()) throw inputError('--terraform-override', f, 'an existing file');
    return path;
  });
}

/** Copies the override files into the stack directory (before `terraform init`). */
export async function installOverrides(stackDir: string, files: readonly string[], log?: (m: string) => void): Promise<void> {
  if (files.length === 0) return;
  await mkdir(stackDir, { recursive: true });
  for (const f of files) {
    await copyFile(f, join(stackDir, basename(f)));
    log?.(`terraform override ${basename(f)} copied into ${stackDir}`);
  }
}
