// Runs a retriever's stages (SPEC §15.2): inputs validated against the input_schema, each stage's
// parameters rendered (template.ts) and run in order, timed and counted, the budget enforced, the
// events emitted, the final output paged, and the execution record built.
//
// What fails before the first stage (bad inputs: 422; unknown stage id: 400; a collection gone:
// 404) is thrown and nothing is recorded. Once stages run, the result always carries the record:
// a stage that fails (invalid feature_uri, bad filter or regex: 400; the time budget: 408) makes
// it `failed`, with `failure` the error to answer with. The executor charges nothing: the caller
// charges `execution.creditsUsed` (budget.credits_remaining is null here; the service fills it).
//
// Budget: max_time_ms aborts the running stage (its signal) and fails the execution; max_credits
// stops the execution before the work that would pass it (a stage spends before it searches),
// and the execution completes with the output of the stages that ran and `error` saying where it
// stopped.
//
// Counts: total_processed is the number of distinct documents any stage output; total_returned
// the final stage's output (before paging). A halted stage's statistics carry the reason in `error`.
import { createHash } from 'node:crypto';
import { newId } from '../../lib/ids.ts';
import type { Collection } from '../collections/types.ts';
import { BadRequestError, ExecutionTimeoutError, NotFoundError, TesseraError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { InferencePort } from '../ports/inference.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { SearchIndex } from '../ports/search-index.ts';
import type { RequestScope } from '../scope/request-scope.ts';
import type { ExecutablePipeline, ExecutionEvent, ExecutionRequest, ExecutionResult } from './execution.ts';
import { ExecutionServicesForRun } from './execution-context.ts';
import { pageOf } from './execution-page.ts';
import { validateInputs } from './input-schema.ts';
import { StageRegistry } from './stages/stage-registry.ts';
import type { ExecutionDocument, StageContext, StageDefinition } from './stages/stage-definition.ts';
import { renderValue, type TemplateScope } from './template.ts';
import type { RetrieverExecution, StageStatistics } from './types.ts';

export interface RetrieverExecutorDeps {
  store: MetadataStore;
  searchIndex: SearchIndex;
  inference: InferencePort;
  clock: Clock;
  /** Default: the built-in catalogue. */
  stages?: StageRegistry;
}

export interface ExecuteOptions {
  /** Called with each event in order and awaited (an SSE writer keeps them in order). Its failures are ignored. */
  listener?: (event: ExecutionEvent) => void | Promise<void>;
  /** Aborted when the client goes away: the running stage is abandoned. */
  signal?: AbortSignal;
}

/** The result, plus the error to answer with when the execution failed (the record says `failed`). */
export interface ExecutorResult extends ExecutionResult {
  failure: TesseraError | null;
}

const QUERY_SUMMARY_LENGTH = 200;

/** Thrown by spend() when a cost would pass max_credits: the execution stops before that work. */
class CreditBudgetReached extends Error {
  constructor(readonly limit: number, readonly used: number, readonly cost: number) {
    super(`max_credits (${limit}) would be exceeded: ${round(used)} used, the next search costs ${cost}`);
  }
}

/** The reason the run's signal carries when max_time_ms passes. */
class TimeBudgetReached extends Error {}

function round(credits: number): number {
  return Math.round(credits * 1e6) / 1e6;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function inputsHash(inputs: Record<string, unknown>): string {
  return createHash('sha1').update(canonicalJson(inputs)).digest('hex');
}

function querySummary(pipeline: ExecutablePipeline, inputs: Record<string, unknown>): string | null {
  const textual = Object.entries(pipeline.inputSchema).filter(([, f]) => ['text', 'string'].includes(f.type.toLowerCase())).map(([name]) => name);
  for (const name of [...textual, ...Object.keys(inputs)]) {
    const v = inputs[name];
    if (typeof v === 'string' && v.trim() !== '') {
      const s = v.trim();
      return s.length > QUERY_SUMMARY_LENGTH ? `${s.slice(0, QUERY_SUMMARY_LENGTH - 1)}…` : s;
    }
  }
  return null;
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export class RetrieverExecutor {
  readonly stages: StageRegistry;

  constructor(private readonly deps: RetrieverExecutorDeps) {
    this.stages = deps.stages ?? new StageRegistry();
  }

  async execute(scope: RequestScope, pipeline: ExecutablePipeline, request: ExecutionRequest, options: ExecuteOptions = {}): Promise<ExecutorResult> {
    const namespace = scope.namespace;
    if (!namespace) throw new BadRequestError('Retrievers run in a namespace: send X-Namespace');
    const inputs = validateInputs(pipeline.inputSchema, request.inputs);
    const definitions = pipeline.stages.map((stage, i) => {
      const definition = this.stages.resolve(stage.config.stage_id);
      if (!definition) throw new BadRequestError(`stages[${i}].config.stage_id: unknown stage '${String(stage.config.stage_id).slice(0, 80)}'`, { field: `stages[${i}].config.stage_id` }, 'unknown_stage');
      return definition;
    });
    const collections = await this.collectionsOf(scope, pipeline.collectionIds);

    const executionId = newId('execution');
    const createdAt = this.deps.clock.now().toISOString();
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
    const { maxCredits, maxTimeMs } = { maxCredits: pipeline.budgetLimits.max_credits, maxTimeMs: pipeline.budgetLimits.max_time_ms };

    const controller = new AbortController();
    const onClientAbort = () => controller.abort(options.signal?.reason ?? new Error('client went away'));
    if (options.signal?.aborted) onClientAbort();
    options.signal?.addEventListener('abort', onClientAbort, { once: true });
    const timer = maxTimeMs !== null ? setTimeout(() => controller.abort(new TimeBudgetReached()), maxTimeMs) : null;
    timer?.unref?.();

    const emit = async (event: ExecutionEvent) => {
      if (!options.listener) return;
      try {
        await options.listener(event);
      } catch {
        // A listener that cannot keep up (a client gone) does not fail the execution.
      }
    };

    const run = new ExecutionServicesForRun({ store: this.deps.store, inference: this.deps.inference }, scope, controller.signal, request.returnVectors);
    let creditsUsed = 0;
    let documents: ExecutionDocument[] = [];
    const statistics: Record<string, StageStatistics> = {};
    const seen = new Set<string>();
    let stagesCompleted = 0;
    let failure: TesseraError | null = null;
    let halted: string | null = null;
    let previous: { name: string; output_count: number } | null = null;

    try {
      for (const [index, stage] of pipeline.stages.entries()) {
        const definition = definitions[index]!;
        const stageName = stage.stage_name;
        await emit({ event_type: 'stage_start', execution_id: executionId, stage_name: stageName, stage_index: index, total_stages: pipeline.stages.length });
        const stageStarted = performance.now();
        let stageCredits = 0;
        const input = documents;
        const context: StageContext = {
          scope,
          inputs,
          stageIndex: index,
          stageName,
          collections,
          resolveCollections: (ids) => run.resolveCollections(ids),
          index: this.deps.searchIndex,
          embedQuery: (uri, text, cols) => run.embedQuery(uri, text, cols),
          documentVector: (uri, reference, cols) => run.documentVector(uri, reference, cols),
          loadDocuments: (hits, o) => run.loadDocuments(hits, o),
          spend: (credits, _reason) => {
            if (!(credits >= 0) || !Number.isFinite(credits)) return;
            if (maxCredits !== null && creditsUsed + credits > maxCredits + 1e-9) throw new CreditBudgetReached(maxCredits, creditsUsed, credits);
            creditsUsed += credits;
            stageCredits += credits;
          },
          signal: controller.signal,
        };
        const templateScope: TemplateScope = {
          INPUT: inputs,
          CONTEXT: {
            execution_id: executionId,
            retriever_id: pipeline.retrieverId,
            collection_ids: collections.map((c) => c.collectionId),
            credits_used: round(creditsUsed),
            budget_remaining: maxCredits === null ? null : round(maxCredits - creditsUsed),
            time_elapsed_ms: elapsed(),
            time_remaining_ms: maxTimeMs === null ? null : Math.max(0, maxTimeMs - elapsed()),
            stage_index: index,
            total_stages: pipeline.stages.length,
          },
          STAGE: { name: stageName, index, input_count: input.length, previous },
        };
        const statisticsOf = (output: number, error: string | null, metadata: Record<string, unknown> = {}): StageStatistics => ({
          input_count: input.length,
          output_count: output,
          duration_ms: Math.round((performance.now() - stageStarted) * 1000) / 1000,
          efficiency: input.length === 0 ? 0 : output / input.length,
          cache_hit: false,
          error,
          metadata: { ...metadata, credits_used: round(stageCredits) },
        });
        try {
          const parameters = renderValue(stage.config.parameters ?? {}, templateScope, `stages[${index}].config.parameters`) as Record<string, unknown>;
          const result = await untilAborted(definition.run(input, parameters, context), controller.signal);
          if (maxTimeMs !== null && elapsed() > maxTimeMs) throw new TimeBudgetReached();
          documents = result.documents;
          for (const d of documents) seen.add(d.documentId);
          const stats = statisticsOf(documents.length, null, result.metadata ?? {});
          statistics[stageName] = stats;
          stagesCompleted++;
          previous = { name: stageName, output_count: documents.length };
          await emit({
            event_type: 'stage_complete',
            execution_id: executionId,
            stage_name: stageName,
            stage_index: index,
            total_stages: pipeline.stages.length,
            documents,
            statistics: stats,
            budget_used: { credits_used: round(creditsUsed), time_elapsed_ms: elapsed(), tokens_used: 0 },
          });
        } catch (err) {
          if (err instanceof CreditBudgetReached) {
            halted = `Stopped before stage '${stageName}': ${err.message}`;
            statistics[stageName] = statisticsOf(0, halted, { halted: 'max_credits' });
            await emit({ event_type: 'stage_error', execution_id: executionId, stage_name: stageName, stage_index: index, error: halted });
            break;
          }
          failure = this.failureOf(err, controller.signal, maxTimeMs, elapsed(), stageName);
          statistics[stageName] = statisticsOf(0, failure.message);
          await emit({ event_type: 'stage_error', execution_id: executionId, stage_name: stageName, stage_index: index, error: failure.message });
          break;
        }
      }
    } finally {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onClientAbort);
    }

    const totalTimeMs = elapsed();
    const finalDocuments = failure ? [] : documents;
    const page = failure ? { documents: [], pagination: {} } : pageOf(finalDocuments, request.pagination);
    const execution: RetrieverExecution = {
      executionId,
      organizationInternalId: scope.organization.internalId,
      namespaceId: namespace.namespaceId,
      retrieverId: pipeline.retrieverId,
      status: failure ? 'failed' : 'completed',
      inputs,
      inputsHash: inputsHash(inputs),
      stageStatistics: statistics,
      totalTimeMs,
      creditsUsed: round(creditsUsed),
      totalProcessed: seen.size,
      totalReturned: finalDocuments.length,
      stagesCompleted,
      totalStages: pipeline.stages.length,
      collectionIds: collections.map((c) => c.collectionId),
      querySummary: querySummary(pipeline, inputs),
      error: failure ? failure.message : halted,
      createdAt,
      completedAt: this.deps.clock.now().toISOString(),
    };
    const result: ExecutorResult = {
      execution,
      documents: page.documents,
      pagination: page.pagination,
      budget: { credits_used: execution.creditsUsed, credits_remaining: null, time_used_ms: totalTimeMs },
      failure,
    };
    if (failure) await emit({ event_type: 'execution_error', execution_id: executionId, error: { type: failure.type, message: failure.message } });
    else await emit({ event_type: 'execution_complete', execution_id: executionId, result });
    return result;
  }

  private async collectionsOf(scope: RequestScope, ids: readonly string[]): Promise<Collection[]> {
    const out: Collection[] = [];
    for (const id of ids) {
      const collection = await this.deps.store.collections.find(scope, id);
      if (!collection) throw new NotFoundError('collection', id);
      out.push(collection);
    }
    return out;
  }

  private failureOf(err: unknown, signal: AbortSignal, maxTimeMs: number | null, elapsedMs: number, stageName: string): TesseraError {
    if (err instanceof TimeBudgetReached || (signal.aborted && signal.reason instanceof TimeBudgetReached)) return new ExecutionTimeoutError(maxTimeMs ?? 0, Math.round(elapsedMs), stageName);
    if (err instanceof TesseraError) return err;
    if (signal.aborted) return new TesseraError(499, 'RequestCanceledError', 'The client went away before the execution finished');
    const internal = new TesseraError(500, 'InternalServerError', `Stage '${stageName}' failed unexpectedly`);
    (internal as Error).cause = err;
    return internal;
  }
}

export type { StageDefinition };
