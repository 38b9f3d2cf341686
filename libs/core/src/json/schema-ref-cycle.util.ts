import { escapePointerSegment } from './json-pointer.util';
import { isSchemaNode, type SchemaNode } from './schema-walk.util';

/** Keywords that apply a subschema to the same value (no descent into the data). */
const SAME_VALUE_LISTS = ['allOf', 'anyOf', 'oneOf'];
const SAME_VALUE_SCHEMAS = ['not', 'if', 'then', 'else'];

/** A subschema applied to the same value, and the pointer suffix of the keyword that applies it. */
type Edge = [SchemaNode, string];

/** The schema a local `$ref` (`#`, `#/definitions/a`) points at inside `root`, or undefined. */
function resolveLocalRef(root: SchemaNode, ref: string): SchemaNode | undefined {
  if (!ref.startsWith('#')) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (fragment === '') return root;
  if (!fragment.startsWith('/')) return undefined;
  let target: unknown = root;
  for (const segment of fragment.slice(1).split('/')) {
    if (typeof target !== 'object' || target === null) return undefined;
    target = (target as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isSchemaNode(target) ? target : undefined;
}

function sameValueEdges(node: SchemaNode, root: SchemaNode): Edge[] {
  const edges: Edge[] = [];
  if (typeof node.$ref === 'string') {
    const target = resolveLocalRef(root, node.$ref);
    if (target) edges.push([target, '/$ref']);
  }
  for (const key of SAME_VALUE_LISTS) {
    const list = node[key];
    if (Array.isArray(list))
      list.forEach((child, index) => isSchemaNode(child) && edges.push([child, `/${key}/${index}`]));
  }
  for (const key of SAME_VALUE_SCHEMAS) if (isSchemaNode(node[key])) edges.push([node[key], `/${key}`]);
  const dependencies = node.dependencies;
  if (isSchemaNode(dependencies)) {
    for (const [name, child] of Object.entries(dependencies))
      if (isSchemaNode(child)) edges.push([child, `/dependencies/${escapePointerSegment(name)}`]);
  }
  return edges;
}

interface Frame {
  node: SchemaNode;
  edges: Edge[];
  next: number;
}

/**
 * The pointer (keyword included) of a `$ref` that leads back to a schema already being applied to the same
 * value: validating would recurse forever (`{"$ref": "#"}`, `{"allOf": [{"$ref": "#"}]}`). A `$ref` reached
 * through `properties`, `items`… descends into the data and is fine. Undefined when there is none.
 * `pointers` names each subschema (from `forEachSubschema`).
 */
export function endlessRefPointer(root: SchemaNode, pointers: Map<SchemaNode, string>): string | undefined {
  const done = new Set<SchemaNode>();
  for (const start of pointers.keys()) {
    if (done.has(start)) continue;
    const active = new Set<SchemaNode>([start]);
    const stack: Frame[] = [{ node: start, edges: sameValueEdges(start, root), next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next === top.edges.length) {
        active.delete(top.node);
        done.add(top.node);
        stack.pop();
        continue;
      }
      const [child, keyword] = top.edges[top.next++];
      if (active.has(child)) return `${pointers.get(top.node) ?? ''}${keyword}`;
      if (done.has(child)) continue;
      active.add(child);
      stack.push({ node: child, edges: sameValueEdges(child, root), next: 0 });
    }
  }
  return undefined;
}
