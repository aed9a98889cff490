#!/usr/bin/env node
// Runs Electronegativity (Doyensec's Electron security linter) over the app's sources and fails
// on any finding of severity MEDIUM or above, unless the finding's line, or the comment block
// right above it, names the check and explains why it is safe:
//
//   // electronegativity-safe SANDBOX_JS_CHECK CONTEXT_ISOLATION_JS_CHECK: <why, in words>
//
// Findings about the app as a whole (no line, e.g. "no navigation limits") cannot be waived.
// Electronegativity's own `eng-disable` comments are ignored: a waiver must carry its reason.
// Files it cannot parse fail the check too (an unparsed file is an unchecked file).
//
// Usage: node bin/check-electronegativity.js [folder]   (default: this repository)
//
// It scans a copy of electron/, renderer/ and shared/ (plus package.json for the Electron version)
// so tests, benches and build output stay out, and it runs offline: the check that downloads
// Electron's release list is left out (upgrades are their own decision, not a lint failure).
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import run from '@doyensec/electronegativity';

const REPO = fileURLToPath(new URL('..', import.meta.url));
// The folder to scan (default: this repository); the tests point it at fixtures.
const ROOT = process.argv[2] ?? REPO;
const SOURCES = ['electron', 'renderer', 'shared'];
const MIN_SEVERITY = 2; // 0 informational, 1 low, 2 medium, 3 high, 4 critical
const WAIVER = /electronegativity-safe\s+([A-Z0-9_\s,]+?)\s*:\s*(\S.{15,})/;
const ELECTRON_VERSION = JSON.parse(readFileSync(join(REPO, 'node_modules/electron/package.json'), 'utf8')).version;

function neutralizeBuiltinWaivers(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) neutralizeBuiltinWaivers(path);
    else if (/\.(m|c)?[jt]sx?$|\.html?$/.test(entry.name)) {
      const text = readFileSync(path, 'utf8');
      if (text.includes('eng-disable')) writeFileSync(path, text.replaceAll('eng-disable', 'eng-ignored'));
    }
  }
}

/** The checks a waiver on `line` (or in the comment block right above it) names, with its reason. */
function waiverFor(lines, line) {
  const candidates = [lines[line - 1] ?? ''];
  const block = [];
  for (let index = line - 2; index >= 0; index--) {
    const text = lines[index].trim();
    if (!/^(\/\/|\/\*|\*)/.test(text)) break;
    block.unshift(text.replace(/^(\/\/+|\/\*+|\*+\/?)\s?/, ''));
  }
  if (block.length > 0) candidates.push(block.join(' '));
  for (const text of candidates) {
    const match = WAIVER.exec(text);
    if (match) return { checks: match[1].split(/[\s,]+/).filter(Boolean), reason: match[2].trim() };
  }
  return null;
}

const scanDir = mkdtempSync(join(tmpdir(), 'medvault-electronegativity-'));
let failed = false;
try {
  for (const source of SOURCES) {
    if (existsSync(join(ROOT, source))) {
      cpSync(join(ROOT, source), join(scanDir, source), {
        recursive: true,
        filter: (path) => !path.split(/[\\/]/).includes('node_modules'),
      });
    }
  }
  if (existsSync(join(ROOT, 'package.json'))) cpSync(join(ROOT, 'package.json'), join(scanDir, 'package.json'));
  neutralizeBuiltinWaivers(scanDir);

  const result = await run(
    {
      input: scanDir,
      isRelative: true,
      electronVersionOverride: ELECTRON_VERSION,
      excludeFromScan: ['availablesecurityfixesglobalcheck'],
    },
    false,
  );

  for (const error of result.errors) {
    const file = relative(scanDir, error.file);
    if (error.tolerable) continue;
    console.error(`electronegativity: could not parse ${file}: ${error.message}`);
    failed = true;
  }

  let waived = 0;
  for (const issue of result.issues) {
    if (issue.severity.value < MIN_SEVERITY) continue;
    const where = issue.file && issue.file !== 'N/A' ? `${issue.file}:${issue.location.line}` : '(the app as a whole)';
    if (issue.file && issue.file !== 'N/A' && issue.location.line > 0) {
      const lines = readFileSync(join(scanDir, issue.file), 'utf8').split(/\r?\n/);
      const waiver = waiverFor(lines, issue.location.line);
      if (waiver && waiver.checks.includes(issue.id)) {
        waived++;
        continue;
      }
    }
    failed = true;
    console.error(
      `electronegativity: ${issue.severity.name} ${issue.id} at ${where}: ${issue.description}` +
        (issue.shortenedURL ? ` (${issue.shortenedURL})` : ''),
    );
  }
  const counted = result.issues.filter((issue) => issue.severity.value >= MIN_SEVERITY).length;
  console.log(
    `electronegativity (Electron ${ELECTRON_VERSION}): ` +
      `${counted} finding(s) of severity MEDIUM or above, ${waived} waived with a reason on their line` +
      (failed ? ': FAILED' : ': ok'),
  );
} finally {
  rmSync(scanDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
