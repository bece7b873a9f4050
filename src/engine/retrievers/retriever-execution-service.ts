// Executing retrievers (SPEC §15.2–15.3): a stored one by id or name, or an ad-hoc pipeline that is
// not persisted; credits; the executions history. The executor (stages, budget, paging) is given;
// this service pays for what it used and keeps the record.
//
// Credits follow the pattern of the other metered work: spent before the work starts (a reservation;
// an exhausted balance is refused with 402 and nothing runs), then settled against what the
// execution reports as used — the unused part refunded in the transaction that stores the
// execution, an overrun charged on top. The organization's balance drops by exactly credits_used.
import { randomToken } from '../../lib/ids.ts';
import type { CreditReservations } from '../billing/credit-reservations.ts';
import { ExecutionHistoryWriter } from './execution-history.ts';
import { InsufficientCreditsError, NotFoundError, SpendingCapReachedError, type TesseraError } from '../errors.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import { missingNamespace } from '../scope/resource-scope.ts';
import { MILLIS_PER_CREDIT, wholeCredits } from '../accounts/tiers.ts';
import type { ExecutablePipeline, ExecutionEvent, ExecutionRequest, ExecutionResult } from './execution.ts';
import { collectionIdentifiers, normaliseBudget, normaliseInputSchema, normaliseStages, type StageCatalogue } from './retriever-definition.ts';
import { resolveCollections, type RetrieverService } from './retriever-service.ts';
import type { RetrieverExecution } from './types.ts';

/** The result of a run; `failure` is the error to answer with when the execution failed (it is still recorded and paid for). */
export interface RunResult extends ExecutionResult {
  failure?: TesseraError | null;
}

/** What runs a pipeline (RetrieverExecutor). */
export interface RetrieverRunner {
  execute(scope: RequestScope, pipeline: ExecutablePipeline, request: ExecutionRequest, options?: ExecutionOptions): Promise<RunResult>;
}

export interface ExecutionOptions {
  /** Streaming: every event in order (awaited: a writer keeps them in order); execution_complete carries the settled budget. */
  listener?: (event: ExecutionEvent) => void | Promise<void>;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
}

/** The ledger operation retrieval is charged under (usage reports group by it). */
export const SEARCH_CREDIT_OPERATION = 'search';
/**
 * Credits reserved before an execution runs, or less when the budget or the balance holds less:
 * above what common pipelines cost (a kNN search 0.1, a hybrid 0.2 per query), so most settle
 * with a refund only.
 */
export const SEARCH_CREDIT_RESERVE = 1;
/** Inputs larger than this (as JSON) are kept with their long strings shortened: media inputs may be megabytes. */
const MAX_KEPT_INPUTS_BYTES = 64 * 1024;
const KEPT_STRING_LENGTH = 256;

/** The inputs as the history keeps them (inputs_hash still covers the originals). */
export function inputsToKeep(inputs: Record<string, unknown>): Record<string, unknown> {
  if (Buffer.byteLength(JSON.stringify(inputs)) <= MAX_KEPT_INPUTS_BYTES) return inputs;
  const shorten = (value: unknown): unknown => {
    if (typeof value === 'string') return value.length > KEPT_STRING_LENGTH ? `${value.slice(0, KEPT_STRING_LENGTH)}… (${value.length} characters)` : value;
    if (Array.isArray(value)) return value.slice(0, 100).map(shorten);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v)]));
    return value;
  };
  return shorten(inputs) as Record<string, unknown>;
}

/** The cheapest search (a kNN query), named when an exhausted balance is refused. */
const MIN_SEARCH_CREDITS = 0.1;
/** Executions kept per retriever, and ad-hoc ones per namespace; older ones are dropped as new ones arrive. */
export const EXECUTION_HISTORY_LIMIT = 1000;

export interface ExecutionFilter {
  status?: string;
  startTime?: string;
  endTime?: string;
}

export interface RetrieverExecutionDeps {
  store: MetadataStore;
  retrievers: RetrieverService;
  stages: StageCatalogue;
  runner: RetrieverRunner;
  /** Per-search charges from reserved blocks. */
  reservations: CreditReservations;
  /** Off: nothing is charged and credits_remaining is null (single-user setups, benchmarks). */
  chargeCredits: boolean;
  historyLimit?: number;
  onBackgroundError?: (err: unknown) => void;
}

export class RetrieverExecutionService {
  private readonly history: ExecutionHistoryWriter;

  constructor(private readonly deps: RetrieverExecutionDeps) {
    this.history = new ExecutionHistoryWriter(deps.store, deps.historyLimit ?? EXECUTION_HISTORY_LIMIT, deps.onBackgroundError);
  }

  async execute(scope: RequestScope, identifier: string, request: ExecutionRequest, options: ExecutionOptions = {}): Promise<ExecutionResult> {
    const r = await this.deps.retrievers.require(this.deps.store, scope, identifier);
    const pipeline: ExecutablePipeline = { retrieverId: r.retrieverId, collectionIds: r.collectionIds, stages: r.stages, inputSchema: r.inputSchema, budgetLimits: r.budgetLimits };
    return this.run(scope, pipeline, request, options);
  }

  /** AdhocExecuteRequest: the pipeline is checked as a create would check it, run, and only the execution is kept. */
  async executeAdhoc(scope: RequestScope, body: Record<string, unknown>, request: ExecutionRequest, options: ExecutionOptions = {}): Promise<ExecutionResult> {
    if (scope.namespace === null) throw missingNamespace('an ad-hoc retriever');
    const stages = normaliseStages(body.stages, this.deps.stages);
    const inputSchema = normaliseInputSchema(body.input_schema);
    const budgetLimits = normaliseBudget(body.budget_limits);
    const at = body.collection_identifiers !== undefined && body.collection_identifiers !== null ? 'collection_identifiers' : 'collection_ids';
    const collectionIds = await resolveCollections(this.deps.store, scope, collectionIdentifiers(body), at);
    return this.run(scope, { retrieverId: null, collectionIds, stages, inputSchema, budgetLimits }, request, options);
  }

  /** retrieverIdentifier null: the namespace's ad-hoc executions. */
  async listExecutions(scope: RequestScope, retrieverIdentifier: string | null, filter: ExecutionFilter, limit: number, offset: number): Promise<{ executions: RetrieverExecution[]; total: number }> {
    const retrieverId = await this.retrieverIdOf(scope, retrieverIdentifier);
    await this.history.flush();
    return this.deps.store.retrieverExecutions.list(scope, retrieverId, filter, limit, offset);
  }

  async getExecution(scope: RequestScope, retrieverIdentifier: string | null, executionId: string): Promise<RetrieverExecution> {
    const retrieverId = await this.retrieverIdOf(scope, retrieverIdentifier);
    await this.history.flush();
    const execution = await this.deps.store.retrieverExecutions.find(scope, retrieverId, executionId);
    if (!execution) throw new NotFoundError('execution', executionId);
    return execution;
  }

  private async retrieverIdOf(scope: RequestScope, identifier: string | null): Promise<string | null> {
    if (identifier === null) {
      if (scope.namespace === null) throw missingNamespace('ad-hoc executions');
      return null;
    }
    return (await this.deps.retrievers.require(this.deps.store, scope, identifier)).retrieverId;
  }

  private async run(scope: RequestScope, pipeline: ExecutablePipeline, request: ExecutionRequest, options: ExecutionOptions): Promise<ExecutionResult> {
    const { reservations, chargeCredits } = this.deps;
    // An exhausted balance is refused before anything runs (402). The charge itself comes from
    // the process's reserved block (credit-reservations.ts): no ledger write per search.
    if (chargeCredits && (pipeline.budgetLimits.max_credits ?? Infinity) > 0) await reservations.ensure(scope, SEARCH_CREDIT_OPERATION, MIN_SEARCH_CREDITS);

    // The executor's own execution_complete is held back: the client's copy carries the settled budget.
    const listener = options.listener;
    const forward = listener ? (event: ExecutionEvent) => (event.event_type === 'execution_complete' ? undefined : listener(event)) : undefined;
    const result: RunResult = await this.deps.runner.execute(scope, pipeline, request, { ...(forward ? { listener: forward } : {}), ...(options.signal ? { signal: options.signal } : {}) });

    if (chargeCredits && result.execution.creditsUsed > 0) await this.charge(scope, result.execution.creditsUsed);
    this.history.add(scope, { ...result.execution, inputs: inputsToKeep(result.execution.inputs) });

    const balance = chargeCredits ? reservations.balanceEstimate(scope, SEARCH_CREDIT_OPERATION) : null;
    const { failure, ...rest } = result;
    const settled: ExecutionResult = { ...rest, budget: { ...result.budget, credits_remaining: balance } };
    // A failed execution is recorded and paid for, then answered with its error (an execution_error event when streaming).
    if (failure) throw failure;
    await listener?.({ event_type: 'execution_complete', execution_id: result.execution.executionId, result: settled });
    return settled;
  }

  /**
   * What the execution used. The results are already computed: an organization whose balance
   * cannot cover a charge beyond what was reserved keeps them, and the next execution is refused
   * before it runs.
   */
  private async charge(scope: RequestScope, credits: number): Promise<void> {
    try {
      await this.deps.reservations.charge(scope, SEARCH_CREDIT_OPERATION, credits);
    } catch (err) {
      if (err instanceof InsufficientCreditsError || err instanceof SpendingCapReachedError) return;
      throw err;
    }
  }

  /** Writes buffered history now (tests, shutdown). */
  flushHistory(): Promise<void> {
    return this.history.flush();
  }

  close(): Promise<void> {
    return this.history.close();
  }


}
