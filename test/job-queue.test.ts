// The job queue contract against the embedded queue (this run's metadata backend) and, when
// TESSERA_TEST_REDIS_URL is set, BullMQ.
import { jobQueueContract } from './contract/job-queue.contract.ts';
import { TEST_REDIS_URL } from './helpers/shared-redis.ts';
import { BACKEND } from './helpers/test-app.ts';

jobQueueContract('database', `embedded (${BACKEND})`);
if (TEST_REDIS_URL) jobQueueContract('redis', `BullMQ (${BACKEND} rows)`);
