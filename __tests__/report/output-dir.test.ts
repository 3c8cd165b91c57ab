import { join } from 'node:path';
import { rejudgedOutDir } from '../../harness/report/output-dir.js';

const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));

describe('the re-judged reports directory', () => {
  test('defaults to rejudged-<time>/ beside the run, never the run directory itself', () => {
    const dir = rejudgedOutDir({ runFile: 'drill-runs/r1/run.json', cwd: '/work', now });
    expect(dir).toBe(join('/work/drill-runs/r1', 'rejudged-20260102t030405z'));
  });

  test('a taken name gets a numbered suffix', () => {
    const taken = new Set(['/w/r/rejudged-20260102t030405z', '/w/r/rejudged-20260102t030405z-2']);
    expect(rejudgedOutDir({ runFile: '/w/r/run.json', cwd: '/', now, exists: (p) => taken.has(p) })).toBe(
      '/w/r/rejudged-20260102t030405z-3',
    );
  });

  test('--out says otherwise, relative to the working directory', () => {
    expect(rejudgedOutDir({ runFile: '/w/r/run.json', out: 'elsewhere', cwd: '/work', now })).toBe('/work/elsewhere');
    expect(rejudgedOutDir({ runFile: '/w/r/run.json', out: '/abs', cwd: '/work', now })).toBe('/abs');
  });
});
