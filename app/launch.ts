/**
 * How the probe app reaches App Runner without an image build: the stock Node image from
 * ECR Public runs `node -e 0`, and NODE_OPTIONS preloads the app from a base64 data: URL
 * with --import. The start command has no quotes or shell metacharacters, so it means the
 * same whether it is split on spaces or run by a shell.
 */
import { readFileSync } from 'node:fs';

export const PROBE_APP_START_COMMAND = 'node -e 0';
export const PROBE_APP_PATH = new URL('./probe-app.mjs', import.meta.url);

/** The app's source, as shipped. */
export function probeAppSource(): string {
  return readFileSync(PROBE_APP_PATH, 'utf8');
}

export interface ProbeAppEnvOptions {
  readonly role: 'primary' | 'secondary';
  readonly region: string;
  readonly originVerifyHeader: string;
  /** Empty turns verification off. */
  readonly originVerifySecret: string;
}

/**
 * The runtime environment that makes `node -e 0` start the probe app. It has no PORT: App
 * Runner reserves that name and sets it to the service's configured port itself (App Runner
 * Developer Guide, "Managing environment variables"; docs/aws-behaviour/emulator.md), and the
 * probe app listens on the PORT it is given. The local world passes PORT as the platform would.
 */
export function probeAppEnvironment(o: ProbeAppEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    NODE_OPTIONS: `--import=data:text/javascript;base64,${Buffer.from(probeAppSource()).toString('base64')}`,
    PROBE_ROLE: o.role,
    PROBE_REGION: o.region,
    ORIGIN_VERIFY_HEADER: o.originVerifyHeader,
  };
  if (o.originVerifySecret) env.ORIGIN_VERIFY_SECRET = o.originVerifySecret;
  return env;
}
