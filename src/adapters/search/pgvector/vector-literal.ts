// pgvector's text form of a vector, '[x,y,…]'. Each float32 is written as the shortest decimal
// that reads back to the same double, which pgvector's strtof turns back into the same float32.

/** The literal, or null when a component is NaN or infinite (pgvector refuses those). */
export function vectorLiteral(vector: Float32Array): string | null {
  const parts = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]!;
    if (!Number.isFinite(x)) return null;
    parts[i] = String(x);
  }
  return `[${parts.join(',')}]`;
}
