/**
 * Construct validation: every bad property ends as a ConstructValidationError (a usage error,
 * exit 2) naming the construct path, the field, the value and what is allowed.
 */
import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ConstructValidationError } from '../core/errors.js';
import { describeRange, inRange, type IntRange } from '../core/aws-facts.js';

/** Throws the construct's validation error. `allowed` is the text after "allowed: ". */
export function invalid(scope: IConstruct, field: string, value: unknown, allowed: string): never {
  throw new ConstructValidationError(scope.node.path, field, value, allowed);
}

/** Checks an optional integer against an AWS range; unresolved tokens (Terraform variables) are left to Terraform. */
export function checkRange(scope: IConstruct, field: string, value: number | undefined, range: IntRange, why = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!inRange(value, range)) invalid(scope, field, value, `${describeRange(range)}${why}`);
}
