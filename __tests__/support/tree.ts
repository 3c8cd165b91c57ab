import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every path under dir, files and directories, relative and sorted: what a command wrote there shows as a difference. */
export function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      out.push(relative(dir, p));
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}
