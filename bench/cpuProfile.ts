/**
 * Summarises the V8 CPU profiles that `node --cpu-prof` writes (one per thread): self time by
 * area (pdf.js, crypto, SQLCipher, Medvault's own code, idle …) and by function.
 * Usage on its own: node --import tsx bench/cpuProfile.ts DIR
 */
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export async function summarizeProfiles(dir: string, top = 12): Promise<string> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).sort();
  const out: string[] = [];
  for (const name of names) {
    const profile = JSON.parse(await readFile(join(dir, name), 'utf8')) as CpuProfile;
    // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
    const thread = name.split('.')[4];
    const wallMs = (profile.endTime - profile.startTime) / 1000;
    const { byArea, byFunction } = selfTimes(profile);
    out.push(`${thread === '0' ? 'main thread' : `worker thread ${thread}`} — ${wallMs.toFixed(0)} ms profiled`);
    out.push('  by area:', ...table(byArea, wallMs, top));
    out.push('  by function (self time):', ...table(byFunction, wallMs, top), '');
  }
  return out.join('\n');
}

function selfTimes(profile: CpuProfile): { byArea: Map<string, number>; byFunction: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    if (!node) return;
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = `${functionName || '(anonymous)'}${url ? ` ${shortUrl(url)}:${lineNumber + 1}` : ''}`;
    add(byArea, areaOf(functionName, url), ms);
    add(byFunction, fn, ms);
  });
  return { byArea, byFunction };
}

/** Which part of the stack a frame belongs to. Native frames (no url) show under their own name. */
function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : `native: ${functionName}`;
  if (url.includes('pdfjs-dist')) return 'pdf.js';
  if (url.includes('sqlcipher')) return 'SQLCipher (JS side)';
  if (url.includes('/tsx/') || url.includes('esbuild')) return 'tsx / esbuild (loading TypeScript)';
  if (url.includes('/electron/core/')) return `medvault: ${basename(url.split('?')[0]!)}`;
  if (url.startsWith('node:')) return url;
  return shortUrl(url);
}

function shortUrl(url: string): string {
  const path = url.split('?')[0]!;
  const at = path.lastIndexOf('/node_modules/');
  if (at >= 0) return path.slice(at + '/node_modules/'.length);
  const core = path.indexOf('/electron/');
  return core >= 0 ? path.slice(core + 1) : path;
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function table(map: Map<string, number>, wallMs: number, top: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, ms]) => `    ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / wallMs).toFixed(1).padStart(5)}%  ${key}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: cpuProfile.ts DIR');
  process.stdout.write(`${await summarizeProfiles(dir)}\n`);
}
