// What the app carries for route handlers: the engine's services and public settings.
import type { Services } from '../engine/services.ts';
import type { BlobStore } from '../engine/ports/blob-store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    publicUrl: string | null;
    /** Where blob bytes live (the runtime's store; also services.blobs). */
    blobs: BlobStore;
  }
}

export {};
