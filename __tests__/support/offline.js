/**
 * The environment every test process runs with, so that nothing a test starts can reach beyond
 * 127.0.0.1: terraform installs providers only from the image's filesystem mirror (its CLI
 * config has no `direct` block), never calls checkpoint, and AWS tools get fake credentials,
 * no profile and no instance metadata. Plain JavaScript, because the jest test environment
 * (./environment.js) loads it outside the TypeScript transform; ./terraform.ts re-exports it.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the mirror of hashicorp/aws may be, first match wins (TF_PROVIDER_MIRROR overrides). */
export const MIRROR_CANDIDATES = [process.env['TF_PROVIDER_MIRROR'], '/opt/tf-plugins', '/usr/share/terraform/plugins'].filter(
  (d) => d !== undefined && d !== '',
);

const CONFIG_DIR = join(tmpdir(), 'edge-failover-tf');

/** Writes a file whole (temp file, then rename): test processes running side by side share these files. */
function writeAtomically(file, text) {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

function writeCliConfig(name, body) {
  mkdirSync(CONFIG_DIR, { recursive: true });
  const file = join(CONFIG_DIR, name);
  writeAtomically(file, `# Written by the test suite: providers come from the image's mirror only, never a registry.\n${body}`);
  return file;
}

/** Terraform's name for this machine's platform (os_arch), as a mirror's directories name it. */
export const PLATFORM = `${process.platform}_${{ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' }[process.arch] ?? process.arch}`;

/**
 * The newest version of hashicorp/aws the mirror `dir` holds whole for `platform`, or why none.
 * Terraform's filesystem mirror holds a provider unpacked (<version>/<platform>/ with the
 * executable) or packed (terraform-provider-aws_<version>_<platform>.zip beside the version
 * directories). A version directory without the executable is not a provider: terraform would
 * install it and then fail to start it, so it is passed over and named in the reason.
 */
export function awsProviderIn(dir, platform = PLATFORM) {
  const aws = join(dir, 'registry.terraform.io', 'hashicorp', 'aws');
  if (!existsSync(aws)) return { reason: `${aws} does not exist` };
  const entries = readdirSync(aws);
  const packed = new Set(
    entries.flatMap((e) => {
      const m = /^terraform-provider-aws_(\d+\.\d+\.\d+)_(.+)\.zip$/.exec(e);
      return m && m[2] === platform ? [m[1]] : [];
    }),
  );
  const versions = [...new Set([...entries.filter((v) => /^\d+\.\d+\.\d+$/.test(v)), ...packed])].sort((a, b) =>
    b.localeCompare(a, 'en', { numeric: true }),
  );
  if (versions.length === 0) return { reason: `${aws} holds no version of hashicorp/aws` };
  const incomplete = [];
  for (const version of versions) {
    if (packed.has(version)) return { awsVersion: version };
    const unpacked = join(aws, version, platform);
    const executable =
      existsSync(unpacked) &&
      readdirSync(unpacked).some((f) => {
        if (!f.startsWith('terraform-provider-aws')) return false;
        try {
          accessSync(join(unpacked, f), constants.X_OK);
          return statSync(join(unpacked, f)).isFile();
        } catch {
          return false;
        }
      });
    if (executable) return { awsVersion: version };
    incomplete.push(`${version} has no terraform-provider-aws executable in ${unpacked}`);
  }
  return { reason: `${aws} holds no whole hashicorp/aws for ${platform}: ${incomplete.join('; ')}` };
}

/** Finds the mirror and writes a CLI config that installs from it alone, or says why there is none. */
export function findProviderMirror() {
  const why = [];
  for (const dir of MIRROR_CANDIDATES) {
    const found = awsProviderIn(dir);
    if ('reason' in found) {
      why.push(found.reason);
      continue;
    }
    const cliConfigFile = writeCliConfig(
      'mirror-only.tfrc',
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(dir)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`,
    );
    return { dir, awsVersion: found.awsVersion, cliConfigFile };
  }
  return { reason: `no filesystem mirror of hashicorp/aws (set TF_PROVIDER_MIRROR): ${why.join('; ')}` };
}

/**
 * A CLI config that can install no provider at all: a filesystem mirror in an empty directory
 * and no `direct` block. Used where there is no mirror, so terraform fails at once instead of
 * asking the registry.
 */
export function noInstallCliConfig() {
  const empty = join(CONFIG_DIR, 'no-providers');
  mkdirSync(empty, { recursive: true });
  return writeCliConfig(
    'no-install.tfrc',
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(empty)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`,
  );
}

/** Variables removed from the test process: they could point an AWS tool at a real account. */
export const REAL_AWS_VARIABLES = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_ENDPOINT_URL',
];

/** The variables set for the whole test process (cliConfigFile: the mirror-only or no-install CLI config). */
export function offlineVariables(cliConfigFile) {
  const awsDir = join(CONFIG_DIR, 'aws');
  mkdirSync(awsDir, { recursive: true });
  const awsConfig = join(awsDir, 'config');
  const awsCredentials = join(awsDir, 'credentials');
  writeAtomically(awsConfig, '[default]\n');
  writeAtomically(awsCredentials, '[default]\n');
  return {
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    // Fake credentials and config files: a tool that is not pointed at a local stub fails
    // (no such endpoint) instead of acting on an account.
    AWS_ACCESS_KEY_ID: 'AKIATESTSUITEFAKE000',
    AWS_SECRET_ACCESS_KEY: 'test-suite-fake-secret',
    AWS_CONFIG_FILE: awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: awsCredentials,
    AWS_EC2_METADATA_DISABLED: 'true',
    // npx and npm run from tests use what npm ci installed, never the registry.
    npm_config_offline: 'true',
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
}

/** Applies the offline variables to an environment object (process.env); returns what it set. */
export function applyOfflineEnvironment(env) {
  const mirror = findProviderMirror();
  const vars = offlineVariables('cliConfigFile' in mirror ? mirror.cliConfigFile : noInstallCliConfig());
  for (const k of REAL_AWS_VARIABLES) delete env[k];
  Object.assign(env, vars);
  return vars;
}
