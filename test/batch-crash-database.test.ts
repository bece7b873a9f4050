// kill -9 mid-batch with the database job queue: the API process running the chunks dies (see helpers/batch-crash-suite.ts).
import { crashSuite } from './helpers/batch-crash-suite.ts';

crashSuite('database');
