/**
 * cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, ...), for the suites that
 * use them: imported by those files, not set up for every file, since loading cdktf costs each
 * file that does not otherwise need it about 0.15 CPU-seconds.
 */
import { Testing } from 'cdktf';
// Brings the type declarations of the matchers.
import type {} from 'cdktf/lib/testing/adapters/jest.js';

Testing.setupJest();
