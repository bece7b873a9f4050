// Response serializers (fast-json-stringify, Fastify's own compiler) kept for the whole process:
// route schemas are module constants, so an app built after the first (tests build hundreds; a
// server builds one) reuses each route's compiled serializer instead of generating it again.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;
type Serializer = ReturnType<ReturnType<SerializerFactory>>;

const compileDefault = SerializerSelector();

/** Compiled serializers per set of shared schemas: the same set (the same objects) shares them. */
const sets: { shared: unknown[]; serializers: WeakMap<object, Serializer> }[] = [];

function serializersFor(externalSchemas: unknown): WeakMap<object, Serializer> {
  const shared = Object.values((externalSchemas ?? {}) as Record<string, unknown>);
  const known = sets.find((s) => s.shared.length === shared.length && s.shared.every((schema, i) => schema === shared[i]));
  if (known) return known.serializers;
  const serializers = new WeakMap<object, Serializer>();
  sets.push({ shared, serializers });
  return serializers;
}

export const cachingSerializerFactory: SerializerFactory = (externalSchemas, options) => {
  const compile = compileDefault(externalSchemas, options);
  const serializers = serializersFor(externalSchemas);
  return (route) => {
    const schema = route.schema as object;
    let serialize = serializers.get(schema);
    if (!serialize) serializers.set(schema, (serialize = compile(route)));
    return serialize;
  };
};
