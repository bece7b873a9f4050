// Deterministic document ids (SPEC §12): the same source item through the same extractor and
// collection at the same position always gets the same id, so reprocessing (a retry, a new batch
// over the same objects, a chunk rerun after a crash) overwrites instead of duplicating.
//   doc_ + base36(sha256(source key | extractor | collection | position values))[0..20]
// The source key is the object's unique-key value when its bucket has a unique key (a replaced
// object keeps its documents), else its object id; for tier ≥ 1 the upstream document's id.
import { createHash } from 'node:crypto';

const BODY_LENGTH = 20;

export function deterministicDocumentId(sourceKey: string, extractorId: string, collectionId: string, position: Record<string, string | number>): string {
  const positionText = Object.keys(position)
    .sort()
    .map((k) => `${k}=${typeof position[k]}:${String(position[k])}`)
    .join('&');
  const digest = createHash('sha256').update(`${sourceKey}\u0000${extractorId}\u0000${collectionId}\u0000${positionText}`).digest();
  // 16 bytes (128 bits) as base 36: at least 20 digits of the same alphabet as random ids.
  let n = 0n;
  for (const byte of digest.subarray(0, 16)) n = (n << 8n) | BigInt(byte);
  return `doc_${n.toString(36).padStart(25, '0').slice(-BODY_LENGTH)}`;
}
