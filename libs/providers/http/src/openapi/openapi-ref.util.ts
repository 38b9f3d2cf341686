import { escapePointerSegment, type ProblemViolation } from '@toolgate/core';

import { MAX_INLINED_FACTOR, valueBytes } from './openapi-size.util';

/** Longest chain of `$ref`s followed from one place. */
export const MAX_REF_DEPTH = 16;
/** Most nodes the inlined document may have (refs used many times can blow a small document up). */
export const MAX_INLINED_NODES = 50_000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A `$ref` fragment segment decoded, or undefined when its percent-encoding is malformed (`%`, `%E0%A4%A`). */
function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
  } catch {
    return undefined;
  }
}

function pointerTarget(document: unknown, ref: string): unknown {
  let node: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const segment = decodeSegment(raw);
    if (segment === undefined) return undefined;
    if (Array.isArray(node) && /^\d+$/.test(segment)) node = node[Number(segment)];
    else if (isObject(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

/**
 * Replaces local `$ref`s (`#/components/...` only) by their targets. External refs (other files, URLs) are
 * never fetched: they, refs to nowhere, circular refs, chains deeper than `MAX_REF_DEPTH` and documents that
 * expand beyond `MAX_INLINED_NODES` nodes or `MAX_INLINED_FACTOR` × `maxSpecBytes` bytes of JSON are recorded in `problems`, with the
 * pointer where they occur. Bytes are counted as the copies are made (strings and keys included: the copies
 * share their strings, so a node count alone lets a few refs to a long string make gigabytes of JSON).
 */
export class LocalRefResolver {
  readonly problems: ProblemViolation[] = [];
  private nodes = 0;
  private bytes = 0;
  private readonly maxBytes: number;

  constructor(
    private readonly document: Record<string, unknown>,
    private readonly maxSpecBytes: number,
  ) {
    this.maxBytes = MAX_INLINED_FACTOR * maxSpecBytes;
  }

  /** `node` (found at `pointer`) with every `$ref` inside it inlined. */
  inline(node: unknown, pointer: string, chain: readonly string[] = []): unknown {
    if (++this.nodes > MAX_INLINED_NODES) {
      if (this.nodes === MAX_INLINED_NODES + 1) {
        this.problem(
          pointer,
          `the document expands to more than ${MAX_INLINED_NODES} nodes once $refs are inlined`,
        );
      }
      return {};
    }
    if (isObject(node) && typeof node.$ref === 'string') return this.follow(node.$ref, pointer, chain);
    if (!this.spend(node, pointer)) return {};
    if (Array.isArray(node))
      return node.map((item, index) => this.inline(item, `${pointer}/${index}`, chain));
    if (!isObject(node)) return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        key,
        this.inline(value, `${pointer}/${escapePointerSegment(key)}`, chain),
      ]),
    );
  }

  private follow(ref: string, pointer: string, chain: readonly string[]): unknown {
    const at = `${pointer}/$ref`;
    if (!ref.startsWith('#/components/')) {
      return this.problem(at, `$ref "${ref}" is not resolved: only local #/components/... references are`);
    }
    if (chain.includes(ref)) return this.problem(at, `circular $ref "${ref}" is not supported`);
    if (chain.length >= MAX_REF_DEPTH) return this.problem(at, `$ref chain deeper than ${MAX_REF_DEPTH}`);
    const target = pointerTarget(this.document, ref);
    if (target === undefined) return this.problem(at, `$ref "${ref}" points nowhere`);
    return this.inline(target, pointer, [...chain, ref]);
  }

  /** Counts the JSON bytes of `node`'s copy (children apart); false once the document is over `maxBytes`. */
  private spend(node: unknown, pointer: string): boolean {
    if (this.bytes > this.maxBytes) return false;
    this.bytes += valueBytes(node);
    if (this.bytes <= this.maxBytes) return true;
    this.problem(
      pointer,
      `the document expands to more than ${this.maxBytes} bytes once $refs are inlined ` +
        `(at most ${MAX_INLINED_FACTOR} × the ${this.maxSpecBytes}-byte document limit)`,
    );
    return false;
  }

  private problem(pointer: string, detail: string): Record<string, never> {
    if (this.problems.length < 100) this.problems.push({ pointer, detail });
    return {};
  }
}
