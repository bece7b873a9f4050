// The engine's public face: everything the API layer may call, built over the ports.
import { ApiKeyService } from './accounts/api-key-service.ts';
import { Authenticator } from './accounts/authenticator.ts';
import { OrganizationService } from './accounts/organization-service.ts';
import { UserService } from './accounts/user-service.ts';
import { HealthService } from './health/health-service.ts';
import type { MetadataStore } from './ports/metadata-store.ts';

export interface Services {
  authenticator: Authenticator;
  organizations: OrganizationService;
  users: UserService;
  apiKeys: ApiKeyService;
  health: HealthService;
}

export function createServices(store: MetadataStore): Services {
  return {
    authenticator: new Authenticator(store),
    organizations: new OrganizationService(store),
    users: new UserService(store),
    apiKeys: new ApiKeyService(store),
    health: new HealthService(store),
  };
}
