// The tasks module's repositories over Kysely, registered in ../repository-factories.ts.
import type { TaskRepositories } from '../../../engine/tasks/task-repositories.ts';
import type { RepositoryFactories } from '../repository-factory.ts';
import { KyselyTaskRepository } from './task-repository.ts';

export const taskRepositories = {
  tasks: (db) => new KyselyTaskRepository(db),
} satisfies RepositoryFactories<TaskRepositories>;
