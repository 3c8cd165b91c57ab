/**
 * isSecretField's misspelling check (one linear scan per secret word) against the definition it
 * replaces: some window of the field within optimal string alignment distance 1 of the word.
 */
import { isSecretField, oneEditPattern } from '../../core/errors.js';

/** The reference: optimal string alignment distance, by its dynamic programme. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}
const withinOneEdit = (text: string, w: string) => {
  for (let len = w.length - 1; len <= w.length + 1; len++)
    for (let i = 0; i + len <= text.length; i++) if (distance(text.slice(i, i + len), w) <= 1) return true;
  return false;
};

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test.each(['secret', 'password', 'token'])('the pattern for %s matches exactly the texts with a window within one edit', (word) => {
  const next = random(word.length);
  // The word after 0 to 2 random edits, between random letters: near misses on both sides of one edit.
  const letters = `${word}xy.*[`;
  const pick = () => letters[Math.floor(next() * letters.length)]!;
  const mismatches: string[] = [];
  let near = 0;
  for (let n = 0; n < 3000; n++) {
    let core = word;
    for (let edits = Math.floor(next() * 3); edits > 0; edits--) {
      const at = Math.floor(next() * core.length);
      const kind = Math.floor(next() * 4);
      if (kind === 0) core = core.slice(0, at) + pick() + core.slice(at + 1);
      else if (kind === 1) core = core.slice(0, at) + core.slice(at + 1);
      else if (kind === 2) core = core.slice(0, at) + pick() + core.slice(at);
      else if (at + 1 < core.length) core = core.slice(0, at) + core[at + 1] + core[at] + core.slice(at + 2);
    }
    const text =
      Array.from({ length: Math.floor(next() * 4) }, pick).join('') + core + Array.from({ length: Math.floor(next() * 4) }, pick).join('');
    const want = withinOneEdit(text, word);
    if (want) near += 1;
    if (oneEditPattern(word).test(text) !== want) mismatches.push(`${JSON.stringify(text)}: expected ${want}`);
  }
  expect(mismatches).toEqual([]);
  // The corpus exercises both answers.
  expect(near).toBeGreaterThan(300);
  expect(near).toBeLessThan(2700);
});

test('misspelt secret words still mark a field; other words do not', () => {
  for (const f of ['failover.originVerify.secert', 'x.pasword', 'a.tokne', 'SECRT', 'tags.sekret'])
    expect({ f, secret: isSecretField(f) }).toEqual({ f, secret: true });
  for (const f of ['failover.statusCodes', 'namePrefix', 'service.environment.LOG_LEVEL', 'tags.owner'])
    expect({ f, secret: isSecretField(f) }).toEqual({ f, secret: false });
});

test('a field of 200,000 characters is classified in one scan (both answers)', () => {
  expect(isSecretField(`tags.${'A'.repeat(200_000)}`)).toBe(false);
  expect(isSecretField(`tags.${'A'.repeat(200_000)}secrt`)).toBe(true);
});
