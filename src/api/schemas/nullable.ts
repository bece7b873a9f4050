import { Type, type TSchema, type SchemaOptions } from '@sinclair/typebox';

/** `anyOf: [T, null]`, the shape FastAPI emits for Optional fields (and the seed uses). */
export const Nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) => Type.Union([schema, Type.Null()], options);

/** An object whose keys are free-form (`additionalProperties: true`). */
export const FreeObject = (options: SchemaOptions = {}) => Type.Object({}, { additionalProperties: true, ...options });
