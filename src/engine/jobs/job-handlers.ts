// Where every job of the catalogue gets its handler; the queue refuses to start while one is
// missing. The handlers of issue 8 (namespace and bucket deletion, upload confirmation, expiry)
// replace the placeholders below as they are written.
import type { JobQueue } from '../ports/job-queue.ts';
import type { Services } from '../services.ts';
import type { JobCatalogue, JobName } from './job-catalogue.ts';
import { PermanentJobError } from './job-runner.ts';

export function registerJobHandlers(queue: JobQueue<JobCatalogue>, services: Services): void {
  void services;
  const notYet = (name: JobName) => async () => {
    throw new PermanentJobError(`the '${name}' job has no implementation yet`);
  };
  queue.register('namespace.delete', notYet('namespace.delete'));
  queue.register('bucket.delete', notYet('bucket.delete'));
  queue.register('upload.confirm', notYet('upload.confirm'));
  queue.register('namespace.expire', notYet('namespace.expire'));
}
