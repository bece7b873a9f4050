// Response serializers (fast-json-stringify, Fastify's own compiler), compiled on a route's first
// response and kept for the whole process. Compiling all ~100 routes' serializers took 1–3 s of
// blocked event loop per app: every test file paid it for routes it never calls, and a process
// starting several apps (the concurrent-bootstrap test) held other apps' database transactions
// past their statement timeout meanwhile. Route schemas are module constants, so an app built
// after the first reuses what an earlier one compiled. Every operation's response schemas are
// compiled eagerly by test/response-serializers.test.ts, so a broken schema still fails CI, not a
// first request.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;
type Serializer = ReturnType<ReturnType<SerializerFactory>>;
type RouteOptions = Parameters<ReturnType<SerializerFactory>>[0];

const compileDefault = SerializerSelector();

/**
 * Compiled serializers per set of shared schemas. Fastify hands the compiler deep clones of the
 * shared schemas (one per app), so the set is recognised by its content, not by object identity.
 */
const sets = new Map<string, WeakMap<object, Serializer>>();

function serializersFor(externalSchemas: unknown): WeakMap<object, Serializer> {
  const key = JSON.stringify(externalSchemas ?? {});
  let serializers = sets.get(key);
  if (!serializers) sets.set(key, (serializers = new WeakMap()));
  return serializers;
}

/** Compiles (or finds) one route's serializer now. */
export function compileSerializer(
  externalSchemas: Parameters<SerializerFactory>[0],
  options: Parameters<SerializerFactory>[1],
  route: RouteOptions,
): Serializer {
  const serializers = serializersFor(externalSchemas);
  const schema = route.schema as object;
  let serialize = serializers.get(schema);
  if (!serialize) serializers.set(schema, (serialize = compileDefault(externalSchemas, options)(route)));
  return serialize;
}

export const cachingSerializerFactory: SerializerFactory = (externalSchemas, options) => {
  const serializers = serializersFor(externalSchemas);
  return (route) => {
    const known = serializers.get(route.schema as object);
    if (known) return known;
    let compiled: Serializer | undefined;
    return (data) => (compiled ??= compileSerializer(externalSchemas, options, route))(data);
  };
};
