/**
 * Prints where a test run's CPU went, per file, from the lines the test environment appends to
 * EDGE_FAILOVER_TEST_CPU_LOG (see environment.js):
 *
 *     EDGE_FAILOVER_TEST_CPU_LOG=/tmp/cpu.jsonl npm test
 *     node __tests__/support/cpu-ledger.mjs /tmp/cpu.jsonl [top N]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [file, top = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node __tests__/support/cpu-ledger.mjs <cpu log> [top N]');
  process.exit(2);
}
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l, i) => {
    const r = JSON.parse(l);
    for (const k of ['wallS', 'selfS', 'childrenS'])
      if (typeof r[k] !== 'number' || !Number.isFinite(r[k]))
        throw new Error(`${file}:${i + 1}: ${k} is not a number: ${JSON.stringify(r[k])}`);
    return {
      byFile: r.byFile,
      file: relative(process.cwd(), String(r.file)),
      wall: r.wallS,
      self: r.selfS,
      children: r.childrenS,
      cpu: r.selfS + r.childrenS,
    };
  })
  .sort((a, b) => b.cpu - a.cpu);
const total = rows.reduce((s, r) => s + r.cpu, 0);
console.log(`${rows.length} files, ${(total / 60).toFixed(1)} CPU-minutes (worker + waited-for children)`);
console.log('   CPU s  worker  children  wall s  share  file');
for (const r of rows.slice(0, Number(top)))
  console.log(
    `${r.cpu.toFixed(1).padStart(8)}${r.self.toFixed(1).padStart(8)}${r.children.toFixed(1).padStart(10)}${r.wall.toFixed(1).padStart(8)}${((100 * r.cpu) / total).toFixed(1).padStart(6)}%  ${r.file}`,
  );
// The AWS CLI fork server's line counts the calls of all files; its calls by test file, when it gave them.
for (const r of rows.filter((x) => x.byFile && Object.keys(x.byFile).length > 0)) {
  console.log(`\n${r.file}, by test file:\n   calls   CPU s  file`);
  const byCpu = Object.entries(r.byFile).sort((a, b) => b[1].cpuS - a[1].cpuS);
  for (const [f, { calls, cpuS }] of byCpu.slice(0, Number(top)))
    console.log(`${String(calls).padStart(8)}${cpuS.toFixed(1).padStart(8)}  ${f ? relative(process.cwd(), f) : '(no test file)'}`);
}
