/**
 * An `aws` executable that answers from a table, for code that makes its own AwsCli from the
 * options (`dr-drill check`, checkStack) and so cannot be handed answering-cli.ts's AnsweringCli.
 * The table is AnsweringCli's: keyed by `"<service> <operation> <args joined by spaces>"`, each
 * answer the JSON the AWS CLI v2 prints for the operation (its botocore output shape). `--version`
 * answers as v2 does. A call with no answer fails as the CLI fails (stderr, exit 255), naming it.
 * The executable is a small shell script (no Python, no Node start per call): each answer is a file
 * named by the SHA-256 of its key, and every call is appended to a file the test reads back. Each
 * call also prints the table's directory on stderr, so a log of the calls can be told apart.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = `#!/bin/sh
if [ "$1" = "--version" ]; then echo "aws-cli/2.9.19 Python/3.11.2 Linux/6.0 source/x86_64.debian.12 prompt/off"; exit 0; fi
key=""
while [ $# -gt 0 ] && [ "$1" != "--output" ]; do key="\${key:+$key }$1"; shift; done
region=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--region" ]; then region="$2"; fi
  shift
done
printf '%s --region %s\\n' "$key" "$region" >> "$AWS_ANSWERS/calls"
# On stderr, as the CLI prints its warnings: the caller's log of the calls tells which table answered.
echo "answering-aws: $AWS_ANSWERS" >&2
file="$AWS_ANSWERS/$(printf '%s' "$key" | sha256sum | cut -c1-64)"
# A held call answers only after a long while: the caller stops it first, or its own bound does.
if [ -f "$file.held" ]; then sleep 600; fi
if [ -f "$file.err" ]; then cat "$file.err" >&2; exit 254; fi
if [ -f "$file.json" ]; then cat "$file.json"; exit 0; fi
echo "no answer for: aws $key --region $region" >&2
exit 255
`;

const nameOf = (key: string) => createHash('sha256').update(key).digest('hex');

export class AnsweringAws {
  readonly dir = mkdtempSync(join(tmpdir(), 'answering-aws-'));
  /** The executable, for `--aws-cli` or the `awsCli` option. */
  readonly binary = join(this.dir, 'aws');
  /** The environment the executable needs (the AWS target passes its `env` option to every call). */
  readonly env: Readonly<Record<string, string>> = { AWS_ANSWERS: this.dir };

  /**
   * `failures`: keys answered with an error (stderr, exit 254) as AWS refuses a call, whatever
   * `answers` holds for them; `held`: keys whose call hangs (for 10 minutes) before it answers.
   */
  constructor(answers: Readonly<Record<string, unknown>>, failures: Readonly<Record<string, string>> = {}, held: readonly string[] = []) {
    writeFileSync(this.binary, SCRIPT);
    chmodSync(this.binary, 0o755);
    writeFileSync(join(this.dir, 'calls'), '');
    for (const [key, value] of Object.entries(answers)) writeFileSync(join(this.dir, `${nameOf(key)}.json`), JSON.stringify(value));
    for (const [key, text] of Object.entries(failures)) writeFileSync(join(this.dir, `${nameOf(key)}.err`), text);
    for (const key of held) writeFileSync(join(this.dir, `${nameOf(key)}.held`), '');
  }

  /** Every call made, in order: `"<service> <operation> <args> --region <region>"`. */
  calls(): string[] {
    return readFileSync(join(this.dir, 'calls'), 'utf8').split('\n').filter(Boolean);
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
