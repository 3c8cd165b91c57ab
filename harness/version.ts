/** The project's version, from package.json: `dr-drill --version` and the run record's fingerprint. */
import { existsSync, readFileSync } from 'node:fs';

export function projectVersion(): string {
  try {
    // One folder up from harness/ in a checkout, two from dist/harness/ when installed.
    const file = ['../package.json', '../../package.json'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(u));
    const pkg = JSON.parse(readFileSync(file ?? '', 'utf8')) as { name?: string; version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
