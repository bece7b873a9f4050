// Process main of the `tessera` command (bin/tessera.js, `npm run tessera`): runs it on this
// process's arguments, environment and streams. A failed command exits with its code at once; a
// successful one leaves the process to end on its own (or, for serve and worker, to run on).
import { runCli } from './run-cli.ts';

const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exit(code);
