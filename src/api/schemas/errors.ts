// The seed's error components: every non-2xx response renders one of these.
import { Type, type Static } from '@sinclair/typebox';
import { FreeObject, Nullable } from './nullable.ts';

export const ErrorDetail = Type.Object(
  {
    message: Type.String({ title: 'Message', description: 'Human-readable error message' }),
    type: Type.String({ title: 'Type', description: 'Stable error type identifier (machine-readable)' }),
    code: Type.Optional(Nullable(Type.String(), { title: 'Code', description: 'Fine-grained error code for programmatic handling' })),
    details: Type.Optional(Nullable(FreeObject(), { title: 'Details', description: 'Optional structured details to help debugging' })),
  },
  { $id: 'ErrorDetail', title: 'ErrorDetail', description: 'Error detail model.' },
);

export const ErrorResponse = Type.Object(
  {
    success: Type.Optional(Type.Boolean({ title: 'Success', description: 'Always false for error responses', default: false })),
    status: Type.Integer({ title: 'Status', description: 'HTTP status code for this error' }),
    error: Type.Ref(ErrorDetail, { description: 'Error details payload' }),
  },
  { $id: 'ErrorResponse', title: 'ErrorResponse', description: 'Error response model.' },
);
export type ErrorResponseBody = Static<typeof ErrorResponse>;

export const ValidationErrorItem = Type.Object(
  {
    loc: Type.Array(Type.Union([Type.String(), Type.Integer()]), { title: 'Location' }),
    msg: Type.String({ title: 'Message' }),
    type: Type.String({ title: 'Error Type' }),
  },
  { $id: 'ValidationError', title: 'ValidationError' },
);

export const HTTPValidationError = Type.Object(
  { detail: Type.Optional(Type.Array(Type.Ref(ValidationErrorItem), { title: 'Detail' })) },
  { $id: 'HTTPValidationError', title: 'HTTPValidationError' },
);

export const GenericSuccessResponse = Type.Object(
  {
    message: Type.String({ title: 'Message', default: 'Successfully completed' }),
    success: Type.Boolean({ title: 'Success', default: true }),
  },
  { $id: 'GenericSuccessResponse', title: 'GenericSuccessResponse' },
);

/** The error responses the seed declares on every route, for the OpenAPI document. */
export function errorResponses() {
  return {
    400: Type.Ref(ErrorResponse, { description: 'Bad Request' }),
    401: Type.Ref(ErrorResponse, { description: 'Unauthorized' }),
    403: Type.Ref(ErrorResponse, { description: 'Forbidden' }),
    404: Type.Ref(ErrorResponse, { description: 'Not Found' }),
    422: Type.Ref(HTTPValidationError, { description: 'Validation Error' }),
    500: Type.Ref(ErrorResponse, { description: 'Internal Server Error' }),
  } as const;
}

export const ERROR_SCHEMAS = [ErrorDetail, ErrorResponse, ValidationErrorItem, HTTPValidationError, GenericSuccessResponse];
