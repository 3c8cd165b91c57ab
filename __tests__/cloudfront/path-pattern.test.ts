/**
 * CloudFront path patterns (docs/aws-behaviour.md, "Cache behavior path patterns"): `*` matches 0
 * or more characters, `?` exactly 1, patterns are case-sensitive, a leading "/" makes no
 * difference, and every other character stands for itself.
 */
import { matchesPathPattern, pathPatternToRegExp, samplePath } from '../../harness/cloudfront/path-pattern.js';

describe('CloudFront path patterns', () => {
  test.each([
    // `*` matches 0 or more characters, slashes included.
    ['/api/*', '/api/x', true],
    ['/api/*', '/api/a/b/c', true],
    ['/api/*', '/apix', false],
    ['/api/*', '/API/x', false],
    ['api/*', '/api/x', true],
    ['/img/?.png', '/img/a.png', true],
    ['/img/?.png', '/img/ab.png', false],
    ['/api/*', '/api/', true],
    ['/api*', '/api', true],
    ['*.jpg', '/images/product1/a.jpg', true],
    ['images/*.jpg', '/images/a/b.jpg', true],
    ['*.doc*', '/x.docx', true],
    ['*', '/', true],
    // `?` matches exactly one character.
    ['a??.jpg', '/ant.jpg', true],
    ['a??.jpg', '/an.jpg', false],
    ['a??.jpg', '/ants.jpg', false],
    ['*.doc?', '/x.doc', false],
    // Case-sensitive: `*.jpg` does not apply to LOGO.JPG.
    ['*.jpg', '/LOGO.JPG', false],
    // The whole path must match: nothing before the pattern, nothing after it.
    ['/api/*', '/v1/api/x', false],
    ['/a.b', '/a.bc', false],
    ['/a.b', '/xa.b', false],
  ])('%s matches %s: %s', (pattern, path, want) => {
    expect(matchesPathPattern(pattern, path)).toBe(want);
  });

  test('a leading "/" makes no difference', () => {
    for (const [with_, without, path] of [
      ['/images/*.jpg', 'images/*.jpg', '/images/a.jpg'],
      ['/a??.jpg', 'a??.jpg', '/abe.jpg'],
      ['/*.gif', '*.gif', '/x/y.gif'],
    ] as const) {
      expect(pathPatternToRegExp(with_).source).toBe(pathPatternToRegExp(without).source);
      expect(matchesPathPattern(with_, path)).toBe(true);
      expect(matchesPathPattern(without, path)).toBe(true);
    }
  });

  test.each(['.', '+', '^', '$', '{', '}', '(', ')', '|', '[', ']', '\\'])('the character %s in a pattern stands for itself only', (ch) => {
    const pattern = `/a${ch}b`;
    expect(matchesPathPattern(pattern, `/a${ch}b`)).toBe(true);
    // A character other than itself, none, and two of it: each a different path.
    expect(matchesPathPattern(pattern, '/aXb')).toBe(false);
    expect(matchesPathPattern(pattern, '/ab')).toBe(false);
    expect(matchesPathPattern(pattern, `/a${ch}${ch}b`)).toBe(false);
    expect(matchesPathPattern(`/x${ch}`, '/x')).toBe(false);
    expect(matchesPathPattern(`${ch}x`, `/${ch}x`)).toBe(true);
  });

  test('`*` and `?` match any character, line breaks included', () => {
    expect(matchesPathPattern('/a*b', '/a\nb')).toBe(true);
    expect(matchesPathPattern('/a?b', '/a\nb')).toBe(true);
  });

  test.each(['/api/*', 'v1/*/items/*', '/x?y??', '*.doc?', '*'])('samplePath(%s) is a concrete path the pattern matches', (p) => {
    const sample = samplePath(p);
    expect(sample.startsWith('/')).toBe(true);
    expect(sample).not.toMatch(/[*?]/);
    expect(sample).not.toMatch(/^\/\//);
    expect(matchesPathPattern(p, sample)).toBe(true);
    // Each wildcard is filled with at least one character: the sample is not the empty match.
    expect(sample.length).toBeGreaterThan(p.replace(/[*?]/g, '').replace(/^\/?/, '/').length);
  });
});
