/**
 * Reads a V8 heap snapshot into retained self size per (node type, constructor name),
 * so two snapshots (before and after connecting N peers) say which objects each peer
 * keeps alive.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Bytes per "type:name" (e.g. "object:PeerSession", "closure:onMessage", "string"). */
export function heapByConstructor(path: string): Map<string, number> {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const out = new Map<string, number>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]];
    // Strings and code are grouped by type only: their "names" are their contents.
    const key = type === 'object' || type === 'closure' || type === 'native' ? `${type}:${s.strings[s.nodes[i + iName]]}` : type;
    out.set(key, (out.get(key) ?? 0) + s.nodes[i + iSize]);
  }
  return out;
}

/** (after − before) ÷ n per key, biggest growth first. */
export function growthPerPeer(before: Map<string, number>, after: Map<string, number>, n: number): [string, number][] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].map((k) => [k, ((after.get(k) ?? 0) - (before.get(k) ?? 0)) / n] as [string, number]).sort((a, b) => b[1] - a[1]);
}
