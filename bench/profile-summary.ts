/**
 * Sums a `.cpuprofile` (from `node --cpu-prof`) by package, by file and by function: self
 * time, and inclusive time (the share of samples with that frame anywhere on the stack).
 *   node --import tsx bench/profile-summary.ts CPU.….cpuprofile [top=25] [filter]
 * `filter` keeps only functions and files whose name or path contains it.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/@smithy/core/…` → `@smithy/core`; our own files by path; Node's own as `node:`. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + 'node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? url);
  }
  if (url.startsWith('node:')) return 'node: (Node.js itself)';
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(url.lastIndexOf('/', dist - 1) + 1) : url;
}
const shortUrl = (url: string) =>
  url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|shared)\//, '$1/');
const functionKey = (node: ProfileNode) =>
  `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

/** Prints self and inclusive time by package, file and function; `filter` narrows the rows. */
export function summarizeProfile(file: string, top = 25, filter = ''): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = { pkg: new Map<string, number>(), file: new Map<string, number>(), fn: new Map<string, number>() };
  const inclusive = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      return;
    }
    total += us;
    add(self.pkg, packageOf(node.callFrame.url, node.callFrame.functionName), us);
    add(self.file, shortUrl(node.callFrame.url) || node.callFrame.functionName, us);
    add(self.fn, functionKey(node), us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const key = functionKey(frame);
      if (!seen.has(key)) {
        seen.add(key);
        add(inclusive, key, us);
      }
    }
  });

  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`);
    const rows = [...map].filter(([key]) => !filter || key.includes(filter)).sort((a, b) => b[1] - a[1]);
    for (const [key, us] of rows.slice(0, top)) {
      console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
    }
  };
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle`);
  print('self time by package', self.pkg);
  print('self time by file', self.file);
  print('self time by function', self.fn);
  print('inclusive time by function', inclusive);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top = '25', filter = ''] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: profile-summary.ts FILE.cpuprofile [top] [filter]\n');
    process.exit(2);
  }
  summarizeProfile(file, Number(top), filter);
}
