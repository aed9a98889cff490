/**
 * DICOM viewer benchmark (issue 6): a 200-slice 512×512 CT study (bench/dicomDisc.ts's synthetic
 * anatomy, 16-bit, explicit VR little endian) imported with `medvault import` into a fresh vault,
 * served by the browser-mode server (`npm run build` first) and opened in Debian's Chromium.
 *
 *   - first image: "Open viewer" clicked (the clock starts in the page, in the click's task) → the
 *     viewer's mark when cornerstone has drawn the first image (the middle slice). Each open is in
 *     a freshly loaded page (nothing decoded yet), the study selected and its summary shown for
 *     half a second first (the summary preloads the viewer's code and workers and the slice it opens
 *     at, as while the patient reads it).
 *   - scrolling: from slice 1 to 200 and back, one wheel step per animation frame as a fast hand
 *     would; frames drawn per second (cornerstone's image-rendered events) and slices never drawn.
 *   - memory: after a garbage collection, the page's ArrayBuffers (V8's backing stores: pixels and
 *     files) with the viewer open, after one pass and after two, against what the whole stack holds;
 *     the JS heap and the renderer processes' RSS too.
 * Goals: first image ≤ 150 ms (median of the opens); ≥ 60 frames per second, or a new slice on at
 * least 98 % of the display's frames (no page draws faster than its display; its rate is printed);
 * memory bounded: the ArrayBuffers after two passes below the whole stack with its files (the
 * cache holds a window of slices) and the second pass adding less than 64 MB.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { startBrowserServer, stopBrowserServer, untilMark } from './browserApp';
import { REPO_ROOT, expectSuccess, runNode } from './child';
import { renderSlice } from './dicomDisc';

const exec = promisify(execFile);
export const FIRST_IMAGE_GOAL_MS = 150;
export const FPS_GOAL = 60;
const SECOND_PASS_GROWTH_LIMIT = 64e6;
const SLICES = 200;
const SIZE = 512;
const OPENS = 7;
const FIRST_IMAGE_MARK = 'medvault:dicom-first-image'; // renderer/features/dicom/useCornerstoneViewport.ts

/** 200 slices of the bench disc's first series (the chest to the pelvis), through gdcmimg and dcmodify. */
async function makeStudy(folder: string, log: (line: string) => void): Promise<number> {
  await mkdir(folder, { recursive: true });
  const recipe = { description: 'Thorax-Abdomen 1.0 Br40 native', kernel: 'Br40', noise: 12, contrast: 0 };
  const study = `2.25.${BigInt(Date.now()) * 1000n + 1n}`;
  const series = `${study}.1`;
  let next = 0;
  let bytes = 0;
  const lane = async (laneNo: number) => {
    const raw = join(folder, `lane${laneNo}.raw`);
    for (let i = next++; i < SLICES; i = next++) {
      const out = join(folder, `IM${String(i + 1).padStart(4, '0')}.dcm`);
      await writeFile(raw, renderSlice(0, 150 + i, recipe));
      await exec('gdcmimg', [
        ...['--size', `${SIZE},${SIZE}`, '--depth', '16', '--pf', '16,12,11', '--sign', '0'],
        ...['-C', '1.2.840.10008.5.1.4.1.1.2', '-T', study, '-S', series, '-i', raw, '-o', out],
      ]);
      const attributes: Record<string, string> = {
        SOPInstanceUID: `${series}.${i + 1}`,
        StudyDate: '20240315',
        Modality: 'CT',
        StudyDescription: 'CT CHEST ABDOMEN PELVIS',
        SeriesDescription: recipe.description,
        PatientName: 'SYNTHETIC^BENCH^CT',
        PatientID: 'MVBENCH0002',
        SeriesNumber: '1',
        InstanceNumber: String(i + 1),
        PixelSpacing: '0.75\\0.75',
        WindowCenter: '40',
        WindowWidth: '400',
        RescaleIntercept: '-1024',
        RescaleSlope: '1',
      };
      await exec('dcmodify', ['-nb', ...Object.entries(attributes).flatMap(([k, v]) => ['-i', `${k}=${v}`]), out]);
    }
    await rm(raw, { force: true });
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.max(2, availableParallelism()) }, (_, laneNo) => lane(laneNo)));
  for (const name of await readdir(folder)) bytes += (await readFile(join(folder, name))).length;
  log(`[viewer-dicom] ${SLICES} slices written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return bytes;
}

/** "Open viewer" → the first image drawn, in ms; the viewer is left open. */
async function timeOpen(page: Page): Promise<number> {
  const open = page.getByTestId('study-summary').getByRole('button', { name: 'Open viewer' });
  const started = await open.evaluate((button) => {
    performance.clearMarks();
    const now = performance.now();
    (button as unknown as { click(): void }).click();
    return now;
  });
  return untilMark(page, FIRST_IMAGE_MARK, started);
}

interface Pass {
  ms: number;
  rendered: number;
  distinct: number;
  steps: number;
  /** Animation frames the page had during the pass: the display's rate, the ceiling of any fps. */
  ticks: number;
}

/**
 * One wheel step per animation frame over the whole stack, one way; counts what cornerstone drew.
 * A string, run as it is in the page (the bench's TypeScript has no DOM, and tsx would wrap named
 * functions in a helper the page does not have).
 */
const SCROLL_PASS = `async ({ direction, slices }) => {
  const viewport = document.querySelector('[data-testid=dicom-viewport]');
  const target = direction > 0 ? slices - 1 : 0;
  const drawn = new Set();
  let rendered = 0;
  const onRendered = () => {
    rendered++;
    drawn.add(viewport.dataset.imageId);
  };
  viewport.addEventListener('cornerstoneimagerendered', onRendered);
  const box = viewport.getBoundingClientRect();
  const started = performance.now();
  let steps = 0;
  let ticks = 0;
  await new Promise((done) => {
    const frame = () => {
      ticks++;
      if (Number(viewport.dataset.index) === target) return done();
      if (steps < slices - 1) {
        steps++;
        viewport.dispatchEvent(new WheelEvent('wheel', {
          deltaY: 100 * direction,
          clientX: box.x + box.width / 2,
          clientY: box.y + box.height / 2,
          bubbles: true,
          cancelable: true,
        }));
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  const ms = performance.now() - started;
  viewport.removeEventListener('cornerstoneimagerendered', onRendered);
  return { ms, rendered, distinct: drawn.size, steps, ticks };
}`;

async function scrollPass(page: Page, direction: 1 | -1): Promise<Pass> {
  return (await page.evaluate(`(${SCROLL_PASS})(${JSON.stringify({ direction, slices: SLICES })})`)) as Pass;
}

/** RSS of the Chromium renderer processes under `browserPid`, from /proc. */
async function rendererRss(browserPid: number): Promise<number> {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  const rss = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      commands.set(pid, (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' '));
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      rss.set(pid, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // gone meanwhile
    }
  }
  const under = (pid: number): boolean => {
    for (let at = parents.get(pid); at !== undefined && at > 1; at = parents.get(at))
      if (at === browserPid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, command] of commands) if (command.includes('--type=renderer') && under(pid)) total += rss.get(pid)!;
  return total;
}

export async function benchViewerDicom(work: string, passphrase: string, log: (line: string) => void) {
  if (!existsSync(join(REPO_ROOT, 'out', 'renderer', 'index.html'))) {
    throw new Error('The viewer benchmark needs the built UI: run "npm run build" first.');
  }
  log(`[viewer-dicom] a ${SLICES}-slice ${SIZE}×${SIZE} CT study into a fresh vault …`);
  const folder = join(work, 'viewer-dicom');
  const bytes = await makeStudy(folder, log);
  const vault = join(work, 'vault-viewer-dicom');
  const env = { MEDVAULT_PASSPHRASE: passphrase };
  const cli = join(REPO_ROOT, 'bin', 'medvault.js');
  expectSuccess('medvault init', await runNode(cli, ['init', '--vault', vault, '--json'], { env }));
  expectSuccess('medvault import', await runNode(cli, ['import', folder, '--vault', vault, '--json'], { env }));

  const { child, openUrl } = await startBrowserServer(vault);
  const server = await chromium.launchServer({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const browser = await chromium.connect(server.wsEndpoint());
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    log('[viewer-dicom] unlocking in Chromium …');
    await page.goto(openUrl);
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByTestId('document-table').getByRole('row').nth(1).click();
    await page.getByTestId('study-summary').waitFor();
    // The summary preloads the viewer's code, decode workers and first slice while the patient reads it.
    await page.waitForTimeout(500);

    log(`[viewer-dicom] opening the viewer ${OPENS} times, each in a freshly loaded page …`);
    const opens: number[] = [];
    for (let run = 0; run < OPENS; run++) {
      if (run > 0) {
        // The printed address's token works once; the session cookie opens the app again.
        await page.goto(new URL(openUrl).origin);
        try {
          await page.getByTestId('document-table').getByRole('row').nth(1).waitFor({ timeout: 10_000 });
        } catch (error) {
          await page.screenshot({ path: join(work, 'viewer-dicom-reload.png') });
          throw new Error(`the library did not come back after a reload (screenshot in ${work})`, { cause: error });
        }
        await page.getByTestId('document-table').getByRole('row').nth(1).click();
        await page.getByTestId('study-summary').waitFor();
        await page.waitForTimeout(500);
      }
      opens.push(await timeOpen(page));
      await page.keyboard.press('Escape');
      await page.getByTestId('dicom-viewer').waitFor({ state: 'detached' });
    }

    log('[viewer-dicom] scrolling the stack twice …');
    await timeOpen(page);
    const viewport = page.getByTestId('dicom-viewport');
    await viewport.hover();
    await page.keyboard.press('Home');
    await page.waitForFunction(`document.querySelector('[data-testid=dicom-viewport]')?.dataset.index === '0'`);
    // ArrayBuffers (pixels, files) live outside the JS heap: V8's backing-store total counts them.
    const arrayBuffers = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
      return { heap: usage.usedSize, buffers: usage.backingStorageSize ?? Number.NaN };
    };
    const openedBuffers = await arrayBuffers();
    const opened = await rendererRss(server.process().pid!);
    const down = await scrollPass(page, 1);
    const firstBuffers = await arrayBuffers();
    const afterFirst = await rendererRss(server.process().pid!);
    const up = await scrollPass(page, -1);
    const secondBuffers = await arrayBuffers();
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const heap = metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
    const afterSecond = await rendererRss(server.process().pid!);

    const sorted = [...opens].sort((a, b) => a - b);
    const open = { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
    const fps = (pass: Pass) => (pass.rendered * 1000) / pass.ms;
    const stackBytes = SLICES * SIZE * SIZE * 2;
    const growth = secondBuffers.buffers - firstBuffers.buffers;
    const openPass = open.median <= FIRST_IMAGE_GOAL_MS;
    // No page draws faster than its display refreshes (about 60 Hz headless too): a new slice on at
    // least 98 % of the display's frames counts as the goal met; the fps and the rate are printed.
    const displayHz = (pass: Pass) => (pass.ticks * 1000) / pass.ms;
    const fpsPass = [down, up].every((pass) => fps(pass) >= Math.min(FPS_GOAL, displayHz(pass) * 0.98));
    const memoryPass = growth < SECOND_PASS_GROWTH_LIMIT && secondBuffers.buffers < stackBytes + bytes;
    const pass = openPass && fpsPass && memoryPass;
    const mb = (value: number) => `${(value / 1e6).toFixed(0)} MB`;
    const passLine = (pass: Pass) =>
      `${fps(pass).toFixed(1)} fps (${pass.rendered} frames drawn, ${pass.distinct} distinct slices of ${SLICES}, ${pass.ms.toFixed(0)} ms; display ${displayHz(pass).toFixed(1)} Hz)`;
    const lines = [
      '',
      'Medvault viewer benchmark: a CT study in the DICOM viewer',
      `  input      ${SLICES} slices of ${SIZE}×${SIZE}×16 bits, ${mb(bytes)} (explicit VR little endian)`,
      `  first      median ${open.median.toFixed(0)} ms (min ${open.min.toFixed(0)}, max ${open.max.toFixed(0)} ms; ${OPENS} opens)  "Open viewer" → the middle slice drawn`,
      `  scroll     down ${passLine(down)}`,
      `             up   ${passLine(up)}`,
      `  memory     ArrayBuffers ${mb(openedBuffers.buffers)} with the viewer open, ${mb(firstBuffers.buffers)} after one pass, ${mb(secondBuffers.buffers)} after two (${growth >= 0 ? '+' : ''}${mb(growth)}); the whole stack decoded is ${mb(stackBytes)}, with its files ${mb(stackBytes + bytes)}`,
      `             JS heap ${mb(secondBuffers.heap)} (Performance metrics: ${mb(heap)}); renderer RSS ${mb(opened)} → ${mb(afterFirst)} → ${mb(afterSecond)} (freed memory is not all given back to the system)`,
      `  goals      first image ≤ ${FIRST_IMAGE_GOAL_MS} ms ${openPass ? 'PASS' : 'FAIL'}; ≥ ${FPS_GOAL} fps or a new slice on ≥ 98 % of the display's frames ${fpsPass ? 'PASS' : 'FAIL'}; memory bounded (< the stack, second pass < +${mb(SECOND_PASS_GROWTH_LIMIT)}) ${memoryPass ? 'PASS' : 'FAIL'}`,
    ];
    return {
      pass,
      lines,
      json: {
        slices: SLICES,
        bytes,
        opensMs: opens,
        open,
        down,
        up,
        rss: { opened, afterFirst, afterSecond },
        buffers: { openedBuffers, firstBuffers, secondBuffers },
        heap,
        pass,
      },
    };
  } finally {
    await browser.close();
    await server.close();
    await stopBrowserServer(child);
  }
}
