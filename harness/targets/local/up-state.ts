/**
 * `<state dir>/local-up.json`: which process runs a local `dr-drill up`, so `down` and `recover`
 * can stop it. It holds the process's identity (pid, start time, command line) and the world's
 * URLs, never a header value or a secret. It is validated with zod before use: a malformed file
 * is a usage error naming the field, never a crash. `<state dir>/local-up.lock` keeps two `up`s
 * from starting worlds at once.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { EdgeFailoverError, InputError } from '../../../core/errors.js';
import type { ProcessIdentity } from './processes.js';

export const UP_STATE_FILE = 'local-up.json';
const LOCK_NAME = 'local-up';

const url = z.string().refine((s) => /^https?:\/\/127\.0\.0\.1:\d{1,5}$/.test(s), 'an http URL of 127.0.0.1 with a port');

export const upStateSchema = z
  .object({
    version: z.literal(1),
    pid: z
      .number()
      .int()
      .min(2, 'an integer above 1 (pid 0, 1 and negative pids are never signalled)')
      .max(2 ** 31 - 1),
    startTime: z.string().regex(/^\d+$/, 'clock ticks since boot, as /proc/<pid>/stat field 22 gives them'),
    argv: z.array(z.string()).min(1, 'the command line of the `up` process'),
    startedAt: z.iso.datetime(),
    edgeUrl: url,
    primaryUrl: url,
    secondaryUrl: url,
    tfJsonPath: z.string().min(1),
  })
  .strict();
export type UpState = z.infer<typeof upStateSchema>;

/** The identity part of a state, for the process checks. */
export const identityOf = (s: UpState): ProcessIdentity => ({ pid: s.pid, startTime: s.startTime, argv: s.argv });

export const upStatePath = (stateDir: string) => join(stateDir, UP_STATE_FILE);

/** The state file, validated; undefined when there is none. A malformed file is a usage error naming the field. */
export function readUpState(stateDir: string): UpState | undefined {
  const file = upStatePath(stateDir);
  if (!existsSync(file)) return undefined;
  const remedy = `the state of a \`dr-drill up\` (delete ${file} if no \`dr-drill up\` is running)`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError([{ field: UP_STATE_FILE, value: (err as Error).message, allowed: `JSON: ${remedy}`, source: file }], {
      heading: 'Invalid state file',
    });
  }
  const parsed = upStateSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InputError(
    parsed.error.issues.map((issue) => {
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
      return {
        field: path.length > 0 ? path.join('.') : '(the file)',
        value: valueAt(raw, path),
        allowed: `${issue.code === 'unrecognized_keys' ? 'no such key (a state file holds no header values)' : issue.message.replace(/^Invalid input: /, '')}; ${remedy}`,
        source: file,
      };
    }),
    { heading: 'Invalid state file' },
  );
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** Writes the state (0600: it names processes and ports of this user, nothing more). */
export function writeUpState(stateDir: string, state: UpState): void {
  upStateSchema.parse(state);
  writeFileSync(upStatePath(stateDir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Where an `up` keeps its synthesized stack and the edge's CA certificate while it runs. */
export const upRunDir = (stateDir: string) => join(stateDir, 'local-up');

/** Removes what an `up` left in the state dir: its state file and its run directory. */
export function removeUpState(stateDir: string): void {
  rmSync(upStatePath(stateDir), { force: true });
  rmSync(upRunDir(stateDir), { recursive: true, force: true });
}

/** Removes the state dir when nothing is left in it (journals of AWS runs, another tool's files stay). */
export function removeIfEmpty(stateDir: string): void {
  try {
    rmdirSync(stateDir);
  } catch {
    // Not empty, or already gone.
  }
}

/** Takes `<stateDir>/local-up.lock` for the life of an `up`; a second `up` is refused (exit 2). */
export async function lockUp(stateDir: string): Promise<() => Promise<void>> {
  mkdirSync(stateDir, { recursive: true });
  try {
    return await lockfile.lock(join(stateDir, LOCK_NAME), {
      realpath: false,
      lockfilePath: join(stateDir, `${LOCK_NAME}.lock`),
      stale: 30_000,
      retries: 0,
      onCompromised: () => {
        // The state file's pid check still guards `down`.
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    throw new EdgeFailoverError(
      'usage',
      `another \`dr-drill up\` holds ${join(stateDir, `${LOCK_NAME}.lock`)}; run \`dr-drill down\` first`,
      {
        cause: err,
      },
    );
  }
}
