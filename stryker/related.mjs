#!/usr/bin/env node
/**
 * Which of a place's tests a mutant of each file it mutates runs: the test files jest's
 * `findRelatedTests` selects with the configuration Stryker's jest runner gives it (jest.config.js,
 * the place's overrides from places.mjs, the runner's own, and the mutated file's directory added
 * to `roots`, as the runner adds it). A file with none is never judged: each of its mutants runs no
 * test, and a place all of whose files have none stops with "No tests were executed".
 *
 * `node stryker/related.mjs [--place <name>] [--json]` prints each file with its tests (all places
 * without `--place`) and exits 1 when some file has none.
 */
import { SearchSource } from '@jest/core';
import fg from 'fast-glob';
import { readConfig, readInitialOptions } from 'jest-config';
import jestRuntime from 'jest-runtime';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jestOverrides, placeName, selectPlaces } from './places.mjs';

/**
 * For each place, each file it mutates with the test files (relative to `root`) related to it.
 * @param {readonly [string, import('./places.mjs').Place][]} places
 * @param {string} [root] the project's directory
 * @returns {Promise<{ place: string, file: string, tests: string[] }[]>}
 */
export async function relatedTests(places, root = process.cwd()) {
  const { config: fromFile } = await readInitialOptions(undefined, { cwd: root, skipMultipleConfigError: true });
  /** @type {Map<string, SearchSource>} */
  const sources = new Map();
  /** @type {{ place: string, file: string, tests: string[] }[]} */
  const out = [];
  for (const [name, place] of places) {
    // As the runner merges them: the file's options, the place's, then the runner's own.
    const base = { ...fromFile, ...jestOverrides([[name, place]], root), collectCoverage: false, reporters: [] };
    const files = await fg([...place.mutate], { cwd: root, onlyFiles: true });
    for (const file of files.sort()) {
      const dir = join(root, dirname(file));
      const roots = [...base.roots, dir];
      const key = `${name}\n${roots.join('\n')}`;
      let search = sources.get(key);
      if (!search) {
        const { projectConfig } = await readConfig({ config: JSON.stringify({ ...base, roots }) }, root);
        search = new SearchSource(await jestRuntime.default.createContext(projectConfig, { maxWorkers: 1, watchman: false }));
        sources.set(key, search);
      }
      const { tests } = await search.findRelatedTests(new Set([join(root, file)]), false);
      out.push({ place: name, file, tests: tests.map((t) => relative(root, t.path)).sort() });
    }
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  let places;
  try {
    places = selectPlaces(placeName(args, process.env));
  } catch (e) {
    console.error(/** @type {Error} */ (e).message);
    process.exit(2);
  }
  const found = await relatedTests(places);
  if (args.includes('--json')) console.log(JSON.stringify(found, null, 2));
  else for (const f of found) console.log(`${f.place}  ${f.file}: ${f.tests.length === 0 ? 'NO TESTS' : f.tests.join(', ')}`);
  process.exit(found.some((f) => f.tests.length === 0) ? 1 : 0);
}
