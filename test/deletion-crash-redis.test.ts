// kill -9 mid-deletion with the Redis job queue (see helpers/deletion-crash-suite.ts).
import { crashSuite } from './helpers/deletion-crash-suite.ts';

crashSuite('redis');
