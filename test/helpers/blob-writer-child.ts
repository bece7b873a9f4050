// Child process for the crash test: streams an endless body into the filesystem blob store and says
// "writing" on stdout once a few MB are down, so the parent can kill -9 it mid-write.
import { Readable } from 'node:stream';
import { FilesystemBlobStore } from '../../src/adapters/blobs/filesystem-blob-store.ts';

const [root, key] = process.argv.slice(2) as [string, string];
// A safety valve: an orphaned writer stops by itself instead of filling the disk.
setTimeout(() => process.exit(3), 120_000).unref();
const store = await FilesystemBlobStore.open({ root, signingKey: Buffer.alloc(32, 1), publicUrl: 'http://127.0.0.1:1' });
const chunk = Buffer.alloc(256 * 1024, 0x61);
let sent = 0;
const body = new Readable({
  read() {
    sent += chunk.length;
    if (sent === 8 * chunk.length) process.stdout.write('writing\n');
    // Slow enough after the signal that the kill lands mid-write, never after completion.
    if (sent > 8 * chunk.length) setTimeout(() => this.push(chunk), 5);
    else this.push(chunk);
  },
});
await store.put(key, body, { contentType: 'application/octet-stream' });
process.stdout.write('finished\n');
