/** The project's version, from package.json: `dr-drill --version` and the run record's fingerprint. */
import { readFileSync } from 'node:fs';

export function projectVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
