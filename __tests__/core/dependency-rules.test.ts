/**
 * The folder rules dependency-cruiser cannot see, because they are about code rather than
 * imports (the import rules are in .dependency-cruiser.cjs, run by `npm test`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.(ts|mjs|js)$/.test(name) ? [path] : [];
  });
}

const read = (path: string) => readFileSync(join(root, path), 'utf8');

test('modules/ never reads the environment', () => {
  const offenders = sources('modules').filter((f) => /\bprocess\s*\.\s*env\b|\bprocess\s*\[\s*['"]env['"]\s*\]/.test(read(f)));
  expect(offenders).toEqual([]);
});

test('only harness/targets/aws runs terraform or aws', () => {
  const runsTool =
    /\b(execa|execaSync|spawn|spawnSync|execFile|execFileSync|exec|execSync)\(\s*['"`](terraform|aws)\b|\bfile:\s*['"`](terraform|aws)['"`]/;
  const files = ['core', 'config', 'modules', 'stacks', 'hcl', 'harness', 'app'].flatMap(sources);
  expect(files.length).toBeGreaterThan(50);
  const offenders = files.filter((f) => !f.startsWith(join('harness', 'targets', 'aws')) && runsTool.test(read(f)));
  expect(offenders).toEqual([]);
});

test('the check above finds a call when there is one', () => {
  const runsTool = /\b(execa|execaSync|spawn|spawnSync|execFile|execFileSync|exec|execSync)\(\s*['"`](terraform|aws)\b/;
  expect(runsTool.test("await execa('terraform', ['apply'])")).toBe(true);
  expect(runsTool.test("await execa(process.execPath, ['app.mjs'])")).toBe(false);
});
