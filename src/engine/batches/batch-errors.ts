// Failures of batch work as Mixpeek reports them: BatchErrorDetail with an ErrorCategory, grouped
// per chunk by category and message (affected_document_ids lists the source items: obj_… at tier 0,
// doc_… above), bounded so a chunk of thousands of identical failures stays one small record.
import { InsufficientCreditsError, QuotaExceededError, ServiceUnavailableError, SpendingCapReachedError, TesseraError } from '../errors.ts';
import { ModelUnavailableError } from '../ports/inference.ts';
import type { BatchErrorDetail, ErrorCategory } from './types.ts';

/** Ids one error detail lists at most (affected_count keeps the full number). */
export const MAX_AFFECTED_IDS = 100;
/** Error details one chunk keeps at most (distinct category + message pairs). */
export const MAX_CHUNK_ERRORS = 20;

export interface Classified {
  category: ErrorCategory;
  /** Worth running again as it is (a database or network blip): the job retries the chunk. */
  transient: boolean;
  message: string;
  recovery: string | null;
}

export function classify(err: unknown): Classified {
  const message = describe(err);
  if (err instanceof ModelUnavailableError) {
    return { category: 'dependency', transient: false, message, recovery: 'Make the model available to this process (tessera models pull, TESSERA_MODELS_DIR) and retry the batch with retry_mode "all"' };
  }
  if (err instanceof InsufficientCreditsError || err instanceof SpendingCapReachedError) {
    return { category: 'resource', transient: false, message: `Credits exhausted: ${message}`, recovery: 'Top up credits (POST /v1/organizations/credits) or raise the spending cap, then retry the batch' };
  }
  if (err instanceof QuotaExceededError) {
    return { category: 'resource', transient: false, message, recovery: 'Delete documents or upgrade the tier, then retry the batch' };
  }
  if (err instanceof ServiceUnavailableError) return { category: 'network', transient: true, message, recovery: 'Retried automatically; retry the batch if it persists' };
  if (err instanceof TesseraError && err.status >= 400 && err.status < 500) return { category: 'validation', transient: false, message, recovery: null };
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^(ECONN|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|57P|08)/.test(code)) return { category: 'network', transient: true, message, recovery: null };
  return { category: 'runtime', transient: false, message, recovery: null };
}

export function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 1000 ? `${message.slice(0, 1000)}…` : message;
}

export interface ItemError {
  sourceId: string;
  category: ErrorCategory;
  message: string;
  stage: string;
  recovery?: string | null;
}

/** Groups item errors into BatchErrorDetails (one per category, message and stage). */
export function groupErrors(errors: readonly ItemError[], component: string, timestamp: string): BatchErrorDetail[] {
  const groups = new Map<string, BatchErrorDetail>();
  for (const e of errors) {
    const key = `${e.category}|${e.stage}|${e.message}`;
    let d = groups.get(key);
    if (!d) {
      if (groups.size >= MAX_CHUNK_ERRORS) continue;
      d = {
        error_type: e.category,
        message: e.message,
        component,
        stage: e.stage,
        timestamp,
        affected_document_ids: [],
        affected_count: 0,
        recovery_suggestion: e.recovery ?? null,
        metadata: {},
      };
      groups.set(key, d);
    }
    d.affected_count += 1;
    if (d.affected_document_ids.length < MAX_AFFECTED_IDS) d.affected_document_ids.push(e.sourceId);
  }
  return [...groups.values()];
}

/** A retry run's details: the earlier ones without the items run again, then the new ones. */
export function mergeErrors(previous: readonly BatchErrorDetail[], rerun: ReadonlySet<string>, fresh: readonly BatchErrorDetail[]): BatchErrorDetail[] {
  const kept: BatchErrorDetail[] = [];
  for (const d of previous) {
    const ids = d.affected_document_ids.filter((id) => !rerun.has(id));
    const removed = d.affected_document_ids.length - ids.length;
    const count = d.affected_count - removed;
    if (count > 0) kept.push({ ...d, affected_document_ids: ids, affected_count: count });
  }
  return [...kept, ...fresh].slice(0, MAX_CHUNK_ERRORS * 2);
}
