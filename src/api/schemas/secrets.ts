// The organization secrets vault (Mixpeek's component names). Values go in, never out.
import { Type, type Static } from '@sinclair/typebox';
import { MAX_SECRET_VALUE_LENGTH } from './bounds.ts';
import { Nullable } from './nullable.ts';

/**
 * Names are referenced from templates (`{{SECRET.name}}`) and sit in URL paths, so they stay to
 * letters, digits, `_`, `-` and `.`, starting with a letter, digit or `_`; case-sensitive.
 */
const SecretName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$',
  title: 'Secret Name',
  description: 'Unique within the organization: 1 to 100 of letters, digits, `_`, `-` and `.`, not starting with `-` or `.` (e.g. `stripe_api_key`).',
  examples: ['stripe_api_key', 'github_token'],
});

const SecretValue = Type.String({
  minLength: 1,
  maxLength: MAX_SECRET_VALUE_LENGTH,
  title: 'Secret Value',
  description: `Plaintext value to encrypt and store (1 to ${MAX_SECRET_VALUE_LENGTH} characters). Never returned by any route.`,
});

export const CreateSecretRequest = Type.Object(
  { secret_name: SecretName, secret_value: SecretValue },
  { $id: 'CreateSecretRequest', title: 'CreateSecretRequest', description: 'Request to create a new secret in the organization vault.', additionalProperties: false },
);
export type CreateSecretRequestBody = Static<typeof CreateSecretRequest>;

export const UpdateSecretRequest = Type.Object(
  { secret_value: SecretValue },
  { $id: 'UpdateSecretRequest', title: 'UpdateSecretRequest', description: 'Request to replace the value of an existing secret.', additionalProperties: false },
);
export type UpdateSecretRequestBody = Static<typeof UpdateSecretRequest>;

export const SecretResponse = Type.Object(
  {
    secret_name: Type.String({ title: 'Secret Name' }),
    created: Type.Optional(Nullable(Type.Boolean(), { title: 'Created' })),
    updated: Type.Optional(Nullable(Type.Boolean(), { title: 'Updated' })),
    deleted: Type.Optional(Nullable(Type.Boolean(), { title: 'Deleted' })),
  },
  { $id: 'SecretResponse', title: 'SecretResponse', description: 'Response for secret operations (never includes the value).' },
);
export type SecretResponseBody = Static<typeof SecretResponse>;

export const SecretsListResponse = Type.Object(
  {
    secrets: Type.Array(Type.String(), { title: 'Secrets', description: 'Names of the secrets in the organization vault, in name order; never values.' }),
    count: Type.Integer({ title: 'Count' }),
  },
  { $id: 'SecretsListResponse', title: 'SecretsListResponse', description: 'Response for listing secrets in the organization vault.' },
);
export type SecretsListResponseBody = Static<typeof SecretsListResponse>;

export const SecretNameParams = Type.Object({ secret_name: SecretName });

export const SECRET_SCHEMAS = [CreateSecretRequest, UpdateSecretRequest, SecretResponse, SecretsListResponse];
