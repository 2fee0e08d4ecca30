import type { MemoryEntry } from '../../lib/memory-types';

export interface TreeFolder {
  kind: 'folder';
  name: string;
  path: string;
  children: TreeNode[];
  count: number;
}
export interface TreeLeaf {
  kind: 'leaf';
  name: string;
  entry: MemoryEntry;
}
export type TreeNode = TreeFolder | TreeLeaf;

/** Groups keys by their `/` segments: `session/dev-1/state` sits in folders `session` › `dev-1`. */
export function buildTree(entries: MemoryEntry[]): TreeFolder {
  const root: TreeFolder = { kind: 'folder', name: '', path: '', children: [], count: 0 };
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const entry of sorted) {
    const parts = entry.key.split('/');
    let folder = root;
    folder.count++;
    for (let i = 0; i < parts.length - 1; i++) {
      const path = parts.slice(0, i + 1).join('/');
      let child = folder.children.find((c): c is TreeFolder => c.kind === 'folder' && c.path === path);
      if (!child) {
        child = { kind: 'folder', name: parts[i] || '(empty)', path, children: [], count: 0 };
        folder.children.push(child);
      }
      child.count++;
      folder = child;
    }
    folder.children.push({ kind: 'leaf', name: parts.at(-1) || '(empty)', entry });
  }
  return root;
}

/** The leaves in display order, skipping collapsed folders: what arrow keys move through. */
export function visibleLeaves(folder: TreeFolder, collapsed: Set<string>): MemoryEntry[] {
  const out: MemoryEntry[] = [];
  for (const node of folder.children) {
    if (node.kind === 'leaf') out.push(node.entry);
    else if (!collapsed.has(node.path)) out.push(...visibleLeaves(node, collapsed));
  }
  return out;
}
