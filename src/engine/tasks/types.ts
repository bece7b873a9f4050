// Tasks: what clients poll for asynchronous operations (SPEC §11). Enum values are Mixpeek's.

/** TaskStatusEnum (SPEC §0.5), shared by tasks, batches, objects, buckets, uploads and clusters. */
export const TASK_STATUSES = [
  'PENDING',
  'IN_PROGRESS',
  'PROCESSING',
  'COMPLETED',
  'COMPLETED_WITH_ERRORS',
  'FAILED',
  'CANCELED',
  'UNKNOWN',
  'SKIPPED',
  'DRAFT',
  'ACTIVE',
  'ARCHIVED',
  'SUSPENDED',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Statuses a task never leaves. */
export const TERMINAL_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED', 'CANCELED']);

export const TASK_TYPES = [
  'api_namespaces_create',
  'api_namespaces_delete',
  'api_namespaces_migrations_run',
  'api_buckets_objects_create',
  'api_buckets_delete',
  'api_buckets_batches_process',
  'api_buckets_batches_submit',
  'api_buckets_uploads_create',
  'api_buckets_uploads_confirm',
  'api_buckets_uploads_batch_confirm',
  'api_collections_documents_create',
  'api_collections_extraction_artifacts',
  'api_taxonomies_create',
  'api_taxonomies_execute',
  'api_taxonomies_materialize',
  'api_evaluations_run',
  'api_evaluations_dataset_create',
  'api_retrievers_publish',
  'api_collections_export',
  'engine_feature_extractor_run',
  'engine_inference_run',
  'engine_object_processing',
  'engine_cluster_build',
  'thumbnail',
  'video_segment',
  'audio_segment',
  'materialize',
  'plugin_custom',
  'model_custom',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** inputs/outputs items: ids or objects (TaskResponse). */
export type TaskItem = string | Record<string, unknown>;

export interface Task {
  taskId: string;
  organizationInternalId: string;
  namespaceId: string | null;
  taskType: TaskType;
  status: TaskStatus;
  inputs: TaskItem[] | null;
  outputs: TaskItem[] | null;
  additionalData: Record<string, unknown> | null;
  error: string | null;
  /** 0-100, with the running job's last message. */
  progress: number;
  progressMessage: string | null;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
}
