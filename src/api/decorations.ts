// What the app carries for route handlers: the engine's services and public settings.
import type { Services } from '../engine/services.ts';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    publicUrl: string | null;
  }
}

export {};
