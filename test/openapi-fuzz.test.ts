// The OpenAPI fuzz over the account layer's operations (health, organizations, users, API keys,
// usage, billing, secrets, webhooks); the ingestion routes are in openapi-fuzz-ingestion.test.ts, the
// processing routes in openapi-fuzz-processing.test.ts, the search routes in
// openapi-fuzz-search.test.ts. What it
// does and its settings (TESSERA_FUZZ_RUNS, TESSERA_FUZZ_SEED): test/fuzz/fuzz-suite.ts.
import { fuzzSuite, isAccountOperation } from './fuzz/fuzz-suite.ts';

fuzzSuite({ name: 'account layer', includes: isAccountOperation });
