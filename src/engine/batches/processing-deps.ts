// What batch processing (the coordinator and the chunk runner) works with.
import type { CreditService } from '../billing/credit-service.ts';
import type { EventPublisher } from '../events/platform-event.ts';
import type { ExtractorDefinition } from '../extractors/extractor-definition.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { InferencePort } from '../ports/inference.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';
import type { SearchIndex } from '../ports/search-index.ts';
import type { TaskService } from '../tasks/task-service.ts';
import type { BatchJobScheduler } from './batch-jobs.ts';

/** The extractor catalogue, as processing reads it (extractors/extractor-registry.ts). */
export interface ExtractorLookup {
  get(name: string, version: string): ExtractorDefinition | undefined;
}

export interface BatchProcessingDeps {
  store: MetadataStore;
  clock: Clock;
  credits: CreditService;
  /** Spend credits for extraction (off with usage accounting, like every other charge). */
  chargeCredits: boolean;
  inference: InferencePort;
  events: EventPublisher;
  /** Where object blobs are (text inputs are read from it); null in processes without one. */
  blobs: BlobStore | null;
  jobs: BatchJobScheduler;
  tasks: TaskService;
  extractors: ExtractorLookup;
  /** Told when a chunk's documents are committed, so it starts catching up before the next search; absent in processes without one. */
  searchIndex?: SearchIndex;
}
