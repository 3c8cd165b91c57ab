/**
 * Deployed stacks survive refactoring: the synthesized resource addresses of the default stack,
 * the ECS Express stack and the stack with every option, and of the module each exports to HCL,
 * equal the committed list (fixtures/addresses.json, generated from the code before the construct
 * folders were reorganized). A deliberate rename needs a `moved` block, which the list records too.
 */
import { readFileSync } from 'node:fs';
import { currentAddresses } from './addresses.js';

const expected = JSON.parse(readFileSync(new URL('./fixtures/addresses.json', import.meta.url), 'utf8')) as ReturnType<
  typeof currentAddresses
>;

describe('resource addresses', () => {
  const actual = currentAddresses();

  test.each(Object.keys(expected))('%s: the stack and the exported module keep every address', (label) => {
    expect(actual[label]).toEqual(expected[label]);
  });

  test('every configuration of the fixture is checked, and each has resources', () => {
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const a of Object.values(actual)) expect(a.stack.resources.length).toBeGreaterThan(20);
  });
});
