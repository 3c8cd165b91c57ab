// signal-exit 3 (a dependency of proper-lockfile) adds `process.__signal_exit_emitter__` when it
// is first required. Loaded first, before any test file's modules: jest builds its ESM view of
// `node:process` from the keys `process` has at that moment, and a key added between building and
// evaluating it fails the suite ("Export '__signal_exit_emitter__' is not defined in module"),
// depending on the order in which the file's imports finish loading.
// (cdktf's matchers are set up by the files that use them: ./support/cdktf-matchers.ts.)
import 'proper-lockfile';
