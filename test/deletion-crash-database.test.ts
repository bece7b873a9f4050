// kill -9 mid-deletion with the database job queue (see helpers/deletion-crash-suite.ts).
import { crashSuite } from './helpers/deletion-crash-suite.ts';

crashSuite('database');
