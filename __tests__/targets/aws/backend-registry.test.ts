/**
 * The AWS target's compute backends, looked up by config `service.backend` (backends/registry.ts):
 * every backend the config accepts is found under its own name; anything else is a usage error
 * that names the field, the value and the allowed names; a name registered twice is refused. Pure,
 * no AWS CLI (service-backend.test.ts drives a registered third backend through the AWS CLI v2).
 */
import { describe, expect, test } from '@jest/globals';
import { COMPUTE_BACKENDS } from '../../../core/aws-facts.js';
import { EdgeFailoverError, exitCodeOf } from '../../../core/errors.js';
import { BACKENDS } from '../../../harness/targets/aws/backends/registry.js';
import type { ServiceBackend } from '../../../harness/targets/aws/backends/service-backend.js';
import { AwsTargetError } from '../../../harness/targets/aws/tools/errors.js';

/** What `fn` threw (the test fails when it threw nothing). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing was thrown');
}

const quoted = (s: string) => JSON.stringify(s);

describe('the compute backends of the AWS target', () => {
  test('every backend the config accepts is registered, and is found under its own name', () => {
    expect([...BACKENDS.keys].sort()).toEqual([...COMPUTE_BACKENDS].sort());
    for (const name of COMPUTE_BACKENDS) {
      const backend = BACKENDS.get(name);
      expect(backend.key).toBe(name);
      // Each has what a drill needs of it: how to fault, undo and check its service.
      expect(typeof backend.inject).toBe('function');
      expect(typeof backend.undo).toBe('function');
      expect(typeof backend.ready).toBe('function');
    }
    expect(new Set(COMPUTE_BACKENDS.map((name) => BACKENDS.get(name))).size).toBe(COMPUTE_BACKENDS.length);
  });

  test.each(['lambda', '', 'AppRunner', 'apprunner ', 'ecs', '__proto__', 'toString'])(
    'an unknown name (%j) is a usage error of the AWS target naming service.backend, the value and every allowed name',
    (name) => {
      const e = thrown(() => BACKENDS.get(name));
      expect(e).toBeInstanceOf(AwsTargetError);
      expect(exitCodeOf(e)).toBe(2);
      expect(e.message).toBe(`service.backend = ${quoted(name)}: allowed: ${BACKENDS.keys.map(quoted).join(', ')}`);
      for (const allowed of COMPUTE_BACKENDS) expect(e.message).toContain(quoted(allowed));
    },
  );

  test('a caller may name the field it read the value from', () => {
    const e = thrown(() => BACKENDS.get('lambda', '--backend'));
    expect(e).toBeInstanceOf(AwsTargetError);
    expect(e.message).toMatch(/^--backend = "lambda": allowed: /);
  });

  test('a registry with a further backend finds it and the built-in ones, and refuses as the built-in one does', () => {
    const extra: ServiceBackend = { ...BACKENDS.get('apprunner'), key: 'fake' };
    const more = BACKENDS.with(extra);
    expect(more.get('fake')).toBe(extra);
    for (const name of COMPUTE_BACKENDS) expect(more.get(name)).toBe(BACKENDS.get(name));
    const e = thrown(() => more.get('lambda'));
    expect(e).toBeInstanceOf(AwsTargetError);
    expect(e.message).toBe(`service.backend = "lambda": allowed: ${[...COMPUTE_BACKENDS, 'fake'].map(quoted).join(', ')}`);
    // The built-in registry is unchanged.
    expect(() => BACKENDS.get('fake')).toThrow(AwsTargetError);
  });

  test.each(COMPUTE_BACKENDS)('registering a second backend named %s is an internal error of the AWS target naming the name', (name) => {
    const e = thrown(() => BACKENDS.with({ ...BACKENDS.get(name) }));
    expect(e).toBeInstanceOf(AwsTargetError);
    expect(e).toBeInstanceOf(EdgeFailoverError);
    expect((e as AwsTargetError).kind).toBe('internal');
    expect(e.message).toBe(`two compute backends are registered as ${quoted(name)}`);
  });
});
