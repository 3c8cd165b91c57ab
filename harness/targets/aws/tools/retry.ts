/**
 * The one retry helper of the AWS target, and the tables of errors worth retrying.
 * A table entry pairs a pattern (matched against the error message, which for a failed
 * command includes its stderr) with the reason it is transient, so a log line can say why
 * a retry happened.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface ErrorPattern {
  readonly pattern: RegExp;
  /** Why this error is transient (or fatal), in a few words. */
  readonly reason: string;
}

export interface RetryOptions {
  /** What is being attempted, for log lines ("terraform destroy"). */
  readonly description: string;
  /** Total attempts, including the first. Must be at least 1. */
  readonly attempts: number;
  /** Delay before the second attempt, in milliseconds. */
  readonly delayMs: number;
  /** Each further delay is the previous one times this. @default 2 */
  readonly backoff?: number;
  /** Upper bound of a single delay. @default 60_000 */
  readonly maxDelayMs?: number;
  /** Errors worth another attempt. An error matching none of them is thrown at once. */
  readonly retryable: readonly ErrorPattern[];
  /** Errors that end the attempts at once, even if a retryable pattern matches too. @default none */
  readonly fatal?: readonly ErrorPattern[];
  /** Stops waiting between attempts; the last error is thrown. */
  readonly signal?: AbortSignal;
  readonly log?: (message: string) => void;
}

/** Returns the first pattern the error's text matches, if any. */
export function matchError(error: unknown, table: readonly ErrorPattern[]): ErrorPattern | undefined {
  const text = errorText(error);
  return table.find((p) => p.pattern.test(text));
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    return typeof stderr === 'string' && !error.message.includes(stderr) ? `${error.message}\n${stderr}` : error.message;
  }
  return String(error);
}

/** Runs fn until it succeeds, a fatal or unknown error occurs, or the attempts run out. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  if (!Number.isInteger(options.attempts) || options.attempts < 1) {
    throw new RangeError(`retry "${options.description}": attempts = ${options.attempts}; allowed: an integer >= 1`);
  }
  if (!(options.delayMs >= 0)) throw new RangeError(`retry "${options.description}": delayMs = ${options.delayMs}; allowed: >= 0`);
  const backoff = options.backoff ?? 2;
  const maxDelay = options.maxDelayMs ?? 60_000;
  let delay = options.delayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const fatal = matchError(error, options.fatal ?? []);
      if (fatal) {
        options.log?.(`${options.description}: not retrying (${fatal.reason})`);
        throw error;
      }
      const transient = matchError(error, options.retryable);
      if (!transient || attempt >= options.attempts) {
        if (transient) options.log?.(`${options.description}: giving up after ${attempt} attempts (${transient.reason})`);
        throw error;
      }
      options.log?.(`${options.description}: attempt ${attempt}/${options.attempts} failed (${transient.reason}); retrying in ${delay} ms`);
      try {
        await sleep(delay, undefined, { signal: options.signal });
      } catch {
        throw error;
      }
      delay = Math.min(maxDelay, Math.round(delay * backoff));
    }
  }
}

/** Errors that mean the caller cannot succeed by trying again (credentials, permissions, bad input). */
export const FATAL_AWS_ERRORS: readonly ErrorPattern[] = [
  {
    pattern: /ExpiredToken|InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch/,
    reason: 'credentials are invalid or expired',
  },
  { pattern: /Unable to locate credentials|No valid credential sources found/, reason: 'no AWS credentials configured' },
  { pattern: /AccessDenied|UnauthorizedOperation|not authorized to perform/, reason: 'the caller lacks an IAM permission' },
  { pattern: /ResourceNotFoundException|NoSuchDistribution/, reason: 'the resource does not exist' },
  { pattern: /InvalidRequestException|InvalidParameterException|ValidationException/, reason: 'the request is invalid' },
];

/** Transient AWS API errors, as the AWS CLI reports them. */
export const RETRYABLE_AWS_ERRORS: readonly ErrorPattern[] = [
  { pattern: /ThrottlingException|Throttling|TooManyRequestsException|ThrottledException|Rate exceeded/, reason: 'API throttling' },
  { pattern: /RequestLimitExceeded/, reason: 'API request rate limit' },
  {
    pattern: /InternalServiceError|InternalServiceException|InternalServerException|InternalFailure|ServiceUnavailable|\(50[234]\)/,
    reason: 'AWS-side 5xx error',
  },
  { pattern: /[Cc]onnection reset|ECONNRESET|Connection was closed|Read timeout on endpoint/, reason: 'network connection dropped' },
  { pattern: /Could not connect to the endpoint URL/, reason: 'endpoint unreachable (network blip)' },
  // exec.ts's own bound on one call: the answer may be lost, so a mutating call's retry proves nothing (service-backend.ts).
  { pattern: /\(timed out after \d+ ms\)/, reason: 'the call timed out' },
];

/** Errors that mean the caller is being throttled: polls back off when they see one. */
export const THROTTLING_ERRORS: readonly ErrorPattern[] = RETRYABLE_AWS_ERRORS.slice(0, 2);

/** Transient errors from `terraform apply`/`destroy`/`init`, as the AWS provider and Terraform print them. */
export const RETRYABLE_TERRAFORM_ERRORS: readonly ErrorPattern[] = [
  { pattern: /ThrottlingException|Throttling|TooManyRequestsException|Rate exceeded/, reason: 'API throttling' },
  { pattern: /RequestLimitExceeded/, reason: 'API request rate limit' },
  { pattern: /[Cc]onnection reset|ECONNRESET|i\/o timeout|TLS handshake timeout/, reason: 'network connection dropped' },
  {
    pattern: /OPERATION_IN_PROGRESS|InvalidStateException/,
    reason: 'App Runner rejects changes while a pause, resume or deployment is still running',
  },
  { pattern: /DistributionNotDisabled/, reason: 'CloudFront is still disabling the distribution before deletion' },
  {
    pattern: /Error acquiring the state lock|Error locking state|ConditionalCheckFailedException/,
    reason: 'the state is locked by another Terraform run that may just be finishing',
  },
  {
    pattern: /Failed to query available provider packages|could not connect to registry|Failed to install provider/,
    reason: 'the provider registry was unreachable',
  },
];

/** Errors from terraform that no retry fixes. */
export const FATAL_TERRAFORM_ERRORS: readonly ErrorPattern[] = [
  ...FATAL_AWS_ERRORS.slice(0, 3),
  {
    pattern: /Error: (Unsupported argument|Missing required argument|Invalid value for variable|Reference to undeclared)/,
    reason: 'the configuration is invalid',
  },
];

/**
 * Answers to pause-service that mean AWS did not start a pause, when they are the first answer to
 * the first attempt (backends/service-backend.ts's makeFault): the service was in another state or
 * operation, the request was invalid, or not allowed. The same answer to a retry proves nothing (an
 * earlier attempt may have started the pause), and a timed-out, reset or aborted call matches none.
 */
export const PAUSE_NOT_STARTED: readonly ErrorPattern[] = [
  { pattern: /InvalidStateException/, reason: 'the service is not RUNNING or another operation is in progress' },
  { pattern: /InvalidRequestException|ResourceNotFoundException/, reason: 'the request was refused' },
  { pattern: /AccessDenied|UnauthorizedOperation|UnrecognizedClient/, reason: 'not allowed' },
];

/** Answers to elbv2 modify-rule that mean the rule was not changed, under the same terms as PAUSE_NOT_STARTED. */
export const RULE_NOT_CHANGED: readonly ErrorPattern[] = [
  { pattern: /RuleNotFound|ListenerNotFound|TargetGroupNotFound/, reason: 'the rule or its target is not there' },
  { pattern: /ValidationError|InvalidConfigurationRequest|OperationNotPermitted/, reason: 'the request was refused' },
  { pattern: /AccessDenied|UnauthorizedOperation|UnrecognizedClient/, reason: 'not allowed' },
];

/** A readable one-line form of an error: a command error's command and its last stderr line. */
export function firstLineOf(error: unknown): string {
  const m = error instanceof Error ? error.message : String(error);
  const lines = m.split('\n').filter((l) => l.trim() !== '');
  return lines.length > 1 ? `${lines[0]} -- ${lines[lines.length - 1]!.trim()}` : (lines[0] ?? '');
}
