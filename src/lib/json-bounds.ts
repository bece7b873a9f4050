// Depth and serialized size of a parsed JSON value, measured without recursion: a hostile body
// nested thousands of levels deep must be refused, not overflow the stack of whoever walks it.
// Both walks stop as soon as the limit is passed, so refusing a huge value costs little.

/** True when no value inside `value` is nested deeper than `maxDepth` (the value itself is level 1). */
export function withinDepth(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) return false;
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return true;
}

/**
 * True when `JSON.stringify(value)` would take at most `maxBytes` UTF-8 bytes. Counted piece by
 * piece (brackets, commas, keys, scalars) so that the check itself never recurses.
 */
export function withinSerializedBytes(value: unknown, maxBytes: number): boolean {
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node !== null && typeof node === 'object') {
      const entries = Array.isArray(node) ? node.map((v) => [null, v] as const) : Object.entries(node);
      // Brackets plus the commas between entries.
      bytes += 2 + Math.max(0, entries.length - 1);
      for (const [key, child] of entries) {
        if (key !== null) bytes += scalarBytes(key) + 1;
        stack.push(child);
      }
    } else {
      bytes += scalarBytes(node);
    }
    if (bytes > maxBytes) return false;
  }
  return true;
}

function scalarBytes(scalar: unknown): number {
  // Stringifying a scalar does not recurse; undefined (absent in parsed JSON) counts as null.
  return Buffer.byteLength(JSON.stringify(scalar) ?? 'null', 'utf8');
}

/**
 * The JSON pointer of the first string (value or object key) holding U+0000, or null. PostgreSQL's
 * text and jsonb cannot store that character, so such input is refused at the edge on both backends.
 */
export function firstNulPath(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return path;
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    for (const [key, child] of Object.entries(node)) {
      const childPath = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (key.includes('\u0000')) return childPath;
      stack.push([child, childPath]);
    }
  }
  return null;
}
