// kill -9 mid-batch with the Redis job queue: the tessera worker running the chunks dies (see helpers/batch-crash-suite.ts).
import { crashSuite } from './helpers/batch-crash-suite.ts';

crashSuite('redis');
