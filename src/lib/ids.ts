// One registry of public id prefixes, so every resource's id says what it is and cannot be guessed.
import { randomBytes } from 'node:crypto';

export const ID_PREFIXES = {
  organization: 'org_',
  organizationInternal: 'int_',
  user: 'usr_',
  apiKey: 'key_',
  namespace: 'ns_',
  bucket: 'bkt_',
  object: 'obj_',
  blob: 'blob_',
  upload: 'upl_',
  batch: 'btch_',
  task: 'task_',
  collection: 'col_',
  document: 'doc_',
  retriever: 'ret_',
  execution: 'exec_',
  taxonomy: 'tax_',
  cluster: 'clust_',
  clusterRun: 'run_',
  webhook: 'wh_',
  request: 'req_',
  ledgerEntry: 'led_',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Random lowercase alphanumerics; rejection sampling keeps every character equally likely. */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 252) out += ALPHABET[byte % 36];
      if (out.length === length) break;
    }
  }
  return out;
}

const REQUEST_ID_PREFIX = ID_PREFIXES.request + randomToken(8);
let requestCounter = 0;

/**
 * Request ids only need to be unique (they label log lines), not unguessable: a per-process random
 * prefix and a counter, without a random draw per request.
 */
export function newRequestId(): string {
  // Eight base-36 digits (2.8e12 requests before wrapping): every id has the same 16-character body.
  requestCounter = (requestCounter + 1) % 36 ** 8;
  return REQUEST_ID_PREFIX + requestCounter.toString(36).padStart(8, '0');
}

/** 20 characters of base-36 ≈ 103 bits: unguessable and collision-free at any realistic scale. */
export function newId(kind: IdKind, length = 20): string {
  return ID_PREFIXES[kind] + randomToken(length);
}
