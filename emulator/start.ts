/**
 * Starts the emulated AWS and keeps it running until Ctrl-C: `npx tsx emulator/start.ts`.
 * Prints one JSON line with the endpoint, the moto URL and the App Runner emulator's URL.
 */
import { startEmulatedAws } from './world.js';

const operationMs = Number(process.env['APPRUNNER_OPERATION_MS'] ?? 1000);
const world = await startEmulatedAws({ operationMs, log: process.env['EMULATOR_LOG'] ? (l) => console.error(l) : undefined });
console.log(JSON.stringify({ endpoint: world.endpoint, moto: world.moto.url, appRunner: world.appRunner.url }));
const stop = () => void world.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
