// The OpenAPI fuzz over the processing routes (extractor catalogue, collections, documents, lineage
// by object); batches live under /v1/buckets and are fuzzed with ingestion. See test/fuzz/fuzz-suite.ts.
import { fuzzSuite, isProcessingOperation } from './fuzz/fuzz-suite.ts';

fuzzSuite({ name: 'processing', includes: isProcessingOperation });
