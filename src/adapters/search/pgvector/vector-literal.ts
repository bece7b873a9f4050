// Vectors as pgvector reads them. Documents' vectors go in binary (vector_recv: int16 dimensions,
// int16 unused, then big-endian float4s), which node-postgres sends as a binary parameter for a
// Buffer: no decimal formatting here nor parsing there, the bulk of a catch-up's time otherwise.
// The query vector goes as text, '[x,y,…]', each float32 written as the shortest decimal that
// reads back to the same double, which pgvector's strtof turns back into the same float32.

/** The text literal, or null when a component is NaN or infinite (pgvector refuses those). */
export function vectorLiteral(vector: Float32Array): string | null {
  const parts = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]!;
    if (!Number.isFinite(x)) return null;
    parts[i] = String(x);
  }
  return `[${parts.join(',')}]`;
}

/** The binary form, or null when a component is NaN or infinite. */
export function vectorBinary(vector: Float32Array): Buffer | null {
  const out = Buffer.allocUnsafe(4 + 4 * vector.length);
  out.writeInt16BE(vector.length, 0);
  out.writeInt16BE(0, 2);
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]!;
    if (!Number.isFinite(x)) return null;
    out.writeFloatBE(x, 4 + 4 * i);
  }
  return out;
}
