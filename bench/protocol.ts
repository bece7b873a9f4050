// What bench/organization.ts and bench/bench-server.ts agree on. Kept apart because importing
// bench-server.ts would start a server in the importing process.
export const BARE_PATH = '/bench/bare';

/** Key of the stdout line that carries the listening port; Fastify's log lines share stdout. */
export const READY_KEY = 'benchServer';

export interface ReadyLine {
  [READY_KEY]: { port: number };
}
