/**
 * The house wording of a zod issue: the text after "allowed: " in
 * `field (from SOURCE) = VALUE: allowed: …`, for every rule a schema gives no message of its own,
 * so that zod's wording ("Invalid input: expected string, received number") never reaches the user.
 * The config schema (`load.ts`) and the run.json schema (`harness/report/run-schema.ts`) both word
 * their issues here. Pure: imports zod's types only.
 */
import type { z } from 'zod';

/** What an issue of the wrong type allows, by zod's name of the expected type. */
export const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
  null: 'null',
};

export interface HouseWordingOptions {
  /** What a value that matches none of a union's forms should be (e.g. where the forms are described). */
  readonly union: string;
  /** What is allowed for an issue this wording has no words for (custom refinements without a message). */
  readonly otherwise: string;
}

/** A zod `error` map in the house wording; `options` word what only the schema's reader can. */
export function houseWording(options: HouseWordingOptions): (issue: z.core.$ZodRawIssue) => string {
  return (issue) => wordIssue(issue, options);
}

/** The house wording of one raw zod issue. */
export function wordIssue(issue: z.core.$ZodRawIssue, options: HouseWordingOptions): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? `a value of type ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) === 1
          ? 'a non-empty string'
          : `a string of at least ${String(issue.minimum)} characters`
        : issue.origin === 'array' || issue.origin === 'set'
          ? `at least ${String(issue.minimum)} entries`
          : `a number ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `a string of at most ${String(issue.maximum)} characters`
        : issue.origin === 'array' || issue.origin === 'set'
          ? `at most ${String(issue.maximum)} entries`
          : `a number ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_value':
      return issue.values.length === 1 ? shown(issue.values[0]) : `one of ${issue.values.map(shown).join(', ')}`;
    case 'invalid_format':
      return `a string in the ${issue.format} format`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return options.union;
    default:
      return options.otherwise;
  }
}

/** A literal as the user would write it: strings quoted, anything else as it prints. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
