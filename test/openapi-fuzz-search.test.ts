// The OpenAPI fuzz over the search routes (retrievers: CRUD, the stage catalogue, executions and
// their history, ad-hoc executions). See test/fuzz/fuzz-suite.ts.
import { fuzzSuite, isSearchOperation } from './fuzz/fuzz-suite.ts';

fuzzSuite({ name: 'search', includes: isSearchOperation });
