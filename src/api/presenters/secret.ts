// The vault's responses: names and what happened, never a value.
import type { SecretResponseBody, SecretsListResponseBody } from '../schemas/secrets.ts';

export type SecretChange = 'created' | 'updated' | 'deleted';

export function toSecretResponse(secretName: string, change: SecretChange): SecretResponseBody {
  return { secret_name: secretName, [change]: true };
}

export function toSecretList(names: string[]): SecretsListResponseBody {
  return { secrets: names, count: names.length };
}
