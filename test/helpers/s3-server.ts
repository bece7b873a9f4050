// An S3-protocol server (s3rver) in this process on a free loopback port, for the S3 blob store's
// contract run: the real AWS SDK speaks real HTTP to it. Credentials S3RVER/S3RVER, path style.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export async function startLocalS3(bucket = 'tessera-test'): Promise<LocalS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    stop: async () => {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * An external S3 for the contract (TESSERA_TEST_S3_URL), e.g.
 * `http://KEY:SECRET@127.0.0.1:9000/bucket?region=us-east-1` (path style); undefined when unset.
 */
export function externalS3FromEnv(): { endpoint: string; bucket: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } | undefined {
  const raw = process.env.TESSERA_TEST_S3_URL;
  if (!raw) return undefined;
  const url = new URL(raw);
  const bucket = url.pathname.replace(/^\/+|\/+$/g, '');
  if (!bucket || !url.username) throw new Error('TESSERA_TEST_S3_URL must look like http://KEY:SECRET@host:port/bucket[?region=…]');
  return {
    endpoint: `${url.protocol}//${url.host}`,
    bucket,
    region: url.searchParams.get('region') ?? 'us-east-1',
    credentials: { accessKeyId: decodeURIComponent(url.username), secretAccessKey: decodeURIComponent(url.password) },
  };
}
