// The OpenAPI fuzz over the ingestion routes (namespaces, buckets, objects, uploads, tasks, blob
// transfers); the account layer's operations are in openapi-fuzz.test.ts. See test/fuzz/fuzz-suite.ts.
import { fuzzSuite, isIngestionOperation } from './fuzz/fuzz-suite.ts';

fuzzSuite({ name: 'ingestion', includes: isIngestionOperation });
