import type { GenericSuccessResponseBody } from '../schemas/errors.ts';

/** Mixpeek's body for operations that return nothing else (deletes). */
export function toSuccess(): GenericSuccessResponseBody {
  return { message: 'Successfully completed', success: true };
}
