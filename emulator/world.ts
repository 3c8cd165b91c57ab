/**
 * The emulated AWS as one thing: patched moto, the App Runner emulator and the router in front
 * of both. `stop()` ends every process it started.
 */
import { startAppRunnerEmulator, type AppRunnerEmulator } from './apprunner/emulator.js';
import { MotoServer } from './moto/moto-server.js';
import { Router } from './router.js';

export interface EmulatedAws {
  readonly endpoint: string;
  readonly moto: MotoServer;
  readonly appRunner: AppRunnerEmulator;
  readonly router: Router;
  stop(): Promise<void>;
}

/** Fake credentials: nothing signed with them is valid anywhere but here. */
export const FAKE_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAEMULATOREXAMPLE', AWS_SECRET_ACCESS_KEY: 'emulator-secret-not-a-real-key' } as const;

export async function startEmulatedAws(opts: { operationMs?: number; log?: (l: string) => void } = {}): Promise<EmulatedAws> {
  const moto = await MotoServer.start();
  let appRunner: AppRunnerEmulator | undefined;
  try {
    appRunner = await startAppRunnerEmulator({ operationMs: opts.operationMs, log: opts.log });
    const router = await Router.start({ appRunner: appRunner.url, moto: moto.url });
    const ar = appRunner;
    return {
      endpoint: router.url,
      moto,
      appRunner: ar,
      router,
      async stop() {
        await router.close();
        await ar.close();
        await moto.stop();
      },
    };
  } catch (e) {
    await appRunner?.close();
    await moto.stop();
    throw e;
  }
}
