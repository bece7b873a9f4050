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

/**
 * The 422 body: FastAPI's HTTPValidationError (`detail`, so SDKs generated from Mixpeek's document
 * parse it) and Tessera's error envelope in one object.
 */
export const HTTPValidationError = Type.Object(
  {
    success: Type.Optional(Type.Boolean({ title: 'Success', description: 'Always false for error responses', default: false })),
    status: Type.Integer({ title: 'Status', description: 'Always 422' }),
    error: Type.Ref(ErrorDetail, { description: 'type ValidationError; details.validation_errors repeats detail' }),
    detail: Type.Array(Type.Ref(ValidationErrorItem), { title: 'Detail' }),
  },
  { $id: 'HTTPValidationError', title: 'HTTPValidationError', description: 'Validation error: the error envelope plus FastAPI detail items.' },
);

export const GenericSuccessResponse = Type.Object(
  {
    message: Type.String({ title: 'Message', default: 'Successfully completed' }),
    success: Type.Boolean({ title: 'Success', default: true }),
  },
  { $id: 'GenericSuccessResponse', title: 'GenericSuccessResponse' },
);
export type GenericSuccessResponseBody = Static<typeof GenericSuccessResponse>;

export const ERROR_SCHEMAS = [ErrorDetail, ErrorResponse, ValidationErrorItem, HTTPValidationError, GenericSuccessResponse];
