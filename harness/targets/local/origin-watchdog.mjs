// Loaded with `node --import` before the probe app in every origin process of the local world.
// The drill holds the write end of this process's stdin and never writes to it: when the drill
// exits, however it exits (kill -9 included), the pipe closes and the origin exits with it.
const exit = () => process.exit(0);
process.stdin.on('end', exit);
process.stdin.on('close', exit);
process.stdin.on('error', exit);
process.stdin.resume();
