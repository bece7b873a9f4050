// Query strings: what the contract requires of a client, as opposed to what a handler receives.
import { Type, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';

/**
 * A query-string object whose parameters with a default are optional in the contract: a client
 * may leave them out. Validation fills the default in (`useDefaults`), so handlers still see a
 * value and the static type keeps them present.
 */
export function QueryObject<T extends TProperties>(properties: T): TObject<T> {
  const schema = Type.Object(properties);
  const contract = schema as { required?: string[] };
  const required = (contract.required ?? []).filter((name) => (properties[name] as TSchema).default === undefined);
  if (required.length > 0) contract.required = required;
  else delete contract.required;
  return schema;
}
