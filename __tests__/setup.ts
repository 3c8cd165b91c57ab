import { Testing } from 'cdktf';
// Brings the type declarations of cdktf's jest matchers (toHaveResourceWithProperties, ...).
import type {} from 'cdktf/lib/testing/adapters/jest.js';

Testing.setupJest();
