import { randomBytes } from 'node:crypto';

/** A run id: UTC time and 6 random characters, e.g. 20260101t120000z-k3x9qa. It names run directories, journals and ephemeral stacks. */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'z')
    .toLowerCase();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `${stamp}-${[...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}
