/**
 * A throwaway certificate for the local edge's HTTPS listener, made by `openssl` (Debian's
 * openssl package) behind this one wrapper: execa with an argument array, an AbortSignal and
 * a timeout. The certificate is for 127.0.0.1 and localhost, valid for a day; viewers that
 * check it pass it as their CA.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { LocalTargetError } from './errors.js';

export interface LocalCertificate {
  /** PEM private key. */
  readonly key: string;
  /** PEM certificate (self-signed: also the CA a viewer should trust). */
  readonly cert: string;
}

export interface CertificateOptions {
  /** @default 'openssl' (on PATH) */
  readonly openssl?: string;
  readonly signal?: AbortSignal;
  /** @default 15000 */
  readonly timeoutMs?: number;
}

/** Whether openssl can be run; a value, never an error. */
export async function isOpenssl(openssl = 'openssl'): Promise<boolean> {
  const r = await execa(openssl, ['version'], { reject: false, timeout: 5_000 }).catch(() => undefined);
  return r?.exitCode === 0;
}

/** Generates a key and a self-signed certificate for 127.0.0.1; throws saying how to get openssl. */
export async function generateLocalCertificate(options: CertificateOptions = {}): Promise<LocalCertificate> {
  const openssl = options.openssl ?? 'openssl';
  const dir = await mkdtemp(join(tmpdir(), 'local-edge-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const args = [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ];
  try {
    const r = await execa(openssl, args, {
      reject: false,
      timeout: options.timeoutMs ?? 15_000,
      cancelSignal: options.signal,
      stdin: 'ignore',
    });
    if (r.exitCode !== 0 || r.failed) {
      const why = r.exitCode === undefined ? r.message : `exit code ${r.exitCode}: ${String(r.stderr).trim().slice(-500)}`;
      throw new LocalTargetError(
        'external',
        `${openssl} ${args.join(' ')} failed (${why}); install openssl (Debian: apt-get install -y openssl) for the local edge's HTTPS listener`,
      );
    }
    return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
