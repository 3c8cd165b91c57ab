/** Configurations the export is proven on, and a helper that synthesizes and exports one. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig, type EdgeFailoverConfigInput } from '../../config/index.js';
import { synthesize } from '../../stacks/synth.js';
import { exportStack, type ExportedStack } from '../../hcl/export.js';

/** The default stack: no config at all. */
export const DEFAULT_CONFIG: EdgeFailoverConfigInput = {};

/** The private ECR image of the full configuration. */
export const ECR_IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1';
/** The origin-verify secret of the full configuration; it must not appear in the exported files. */
export const ORIGIN_SECRET = 'Xy7-origin-verify-secret-0123456789';

/** Every option: write paths, private ECR image, origin-verify secret, S3 backend, a primary outside us-east-1. */
export const FULL_CONFIG: EdgeFailoverConfigInput = {
  namePrefix: 'edge-full',
  tags: { Team: 'platform', 'cost-center': 'sre-42' },
  regions: { primary: 'us-east-2', secondary: 'us-west-2' },
  service: {
    image: { identifier: ECR_IMAGE, repositoryType: 'ECR' },
    environment: { LOG_LEVEL: 'debug' },
  },
  failover: {
    writePaths: ['/api/*', '/upload'],
    originVerify: { headerName: 'x-origin-verify', secret: ORIGIN_SECRET },
    priceClass: 'PriceClass_All',
  },
  monitoring: {
    alertEmails: ['oncall@example.com'],
    additionalCloudFrontMetrics: true,
    drillRunnerPrincipalArn: 'arn:aws:iam::123456789012:role/drill-runner',
  },
  backend: { type: 's3', bucket: 'edge-failover-state', key: 'edge-full/terraform.tfstate', region: 'us-east-2' },
};

export interface Exported extends ExportedStack {
  readonly tfJson: Record<string, unknown>;
  readonly tfJsonPath: string;
  /** File name -> text of the written module. */
  readonly texts: ReadonlyMap<string, string>;
  /** Removes the temp directories. */
  readonly cleanup: () => void;
}

/** Synthesizes `input` into a temp dir and exports it (verification included) into another. */
export async function synthAndExport(input: EdgeFailoverConfigInput, verify = true): Promise<Exported> {
  const config = loadConfig({ env: {}, overrides: input });
  const synth = synthesize(config, mkdtempSync(join(tmpdir(), 'hcl-synth-')));
  const moduleDir = join(mkdtempSync(join(tmpdir(), 'hcl-out-')), synth.stackName);
  const exported = await exportStack({ stackName: synth.stackName, tfJsonPath: synth.tfJsonPath, moduleDir, verify });
  const texts = new Map<string, string>();
  for (const f of [...exported.module.files.keys(), 'README.md']) texts.set(f, readFileSync(join(moduleDir, f), 'utf8'));
  const cleanup = () => {
    rmSync(dirname(moduleDir), { recursive: true, force: true });
    rmSync(dirname(dirname(synth.stackDir)), { recursive: true, force: true });
  };
  return { ...exported, tfJson: JSON.parse(readFileSync(synth.tfJsonPath, 'utf8')), tfJsonPath: synth.tfJsonPath, texts, cleanup };
}
