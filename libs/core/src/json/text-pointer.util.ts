import { escapePointerSegment } from './json-pointer.util';

/**
 * The JSON pointer of the first member name or string value in `value` equal to `text`, or undefined.
 * Iterative (any depth is safe).
 */
export function pointerOfText(value: unknown, text: string): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, pointer] = stack.pop() as [unknown, string];
    if (node === text) return pointer;
    if (typeof node !== 'object' || node === null) continue;
    const entries = Object.entries(node);
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const [key, child] = entries[index];
      const at = `${pointer}/${escapePointerSegment(key)}`;
      if (key === text && !Array.isArray(node)) return at;
      stack.push([child, at]);
    }
  }
  return undefined;
}
