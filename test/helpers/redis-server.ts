// A private redis-server on a free loopback port, for fault tests: kill -9 it, SIGSTOP/SIGCONT it,
// start it again on the same port. Nothing persists (no RDB, no AOF); stop() removes its directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL: connections drop at once, as when the host dies. */
  kill(): Promise<void>;
  /** SIGSTOP: the port still accepts connections but nothing answers (a frozen or partitioned Redis). */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Starts a new server on the same port (after kill()). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export async function startRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-redis-'));
  let child: ChildProcess | null = null;

  const launch = async () => {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
    });
    child = proc;
    for (let i = 0; i < 100; i++) {
      if (await answersPing(port)) return;
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
      await delay(50);
    }
    throw new Error(`redis-server did not answer on port ${port}`);
  };
  const killNow = async (signal: NodeJS.Signals) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    if (signal === 'SIGKILL' || signal === 'SIGTERM') proc.kill('SIGCONT'); // a stopped process cannot exit on SIGTERM
    proc.kill(signal);
    await once(proc, 'exit');
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => killNow('SIGKILL'),
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    restart: launch,
    stop: async () => {
      await killNow('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
