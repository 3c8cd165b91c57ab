/**
 * moto_server with the project's patches (launch.py), on a free port of 127.0.0.1: started with
 * execa (argument array, no shell), ready when it answers HTTP, stopped with its process.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { freePort } from '../apprunner/instance.js';

export const MOTO_LAUNCHER = fileURLToPath(new URL('./launch.py', import.meta.url));
export const PINNED_MOTO = '5.2.1';
/** The Python that has moto: MOTO_PYTHON, else python3. */
export const MOTO_PYTHON = process.env['MOTO_PYTHON'] ?? 'python3';

export interface MotoCheck {
  readonly moto: string;
  readonly pinned: string;
  readonly signatures: Readonly<Record<string, string>>;
}

/** Runs the launcher's self-check, or says why moto cannot run here. */
export function checkMoto(): MotoCheck | { readonly reason: string } {
  try {
    return JSON.parse(execFileSync(MOTO_PYTHON, [MOTO_LAUNCHER, '--check'], { encoding: 'utf8', timeout: 60_000 })) as MotoCheck;
  } catch (e) {
    return { reason: `moto is not usable with ${MOTO_PYTHON}: ${(e as Error).message.split('\n').slice(-3).join(' ')}` };
  }
}

export class MotoServer {
  private constructor(
    readonly port: number,
    private readonly child: ResultPromise,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(timeoutMs = 30_000): Promise<MotoServer> {
    const port = await freePort();
    const child = execa(MOTO_PYTHON, [MOTO_LAUNCHER, '--port', String(port)], {
      stdin: 'ignore',
      reject: false,
      cleanup: true,
      forceKillAfterDelay: 2_000,
      all: true,
    });
    let output = '';
    child.all?.on('data', (d: Buffer) => {
      output = (output + String(d)).slice(-2_000);
    });
    let exited = false;
    void child.then(() => {
      exited = true;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`moto exited before it was ready: ${output}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/moto-api/data.json`, { signal: AbortSignal.timeout(1_000) });
        await r.arrayBuffer();
        if (r.ok) return new MotoServer(port, child);
      } catch {
        // not yet listening
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await child;
    throw new Error(`moto did not answer on port ${port} within ${timeoutMs} ms: ${output}`);
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.child;
  }
}
