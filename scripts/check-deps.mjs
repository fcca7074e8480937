#!/usr/bin/env node
// Dependency rule for the pure core: files under domain/ may import only decimal.js and
// other domain/ files, and may not read the clock or randomness. Exits 1 listing violations.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
// An optional argument points the check at another tree (used by its own test).
const domainDir = resolve(process.argv[2] ?? join(root, 'domain'));
const ALLOWED_PACKAGES = new Set(['decimal.js']);
const FORBIDDEN_CALLS = [
  [/\bDate\.now\s*\(/, 'reads the wall clock (Date.now)'],
  [/\bnew\s+Date\s*\(\s*\)/, 'reads the wall clock (new Date())'],
  [/\bperformance\.now\s*\(/, 'reads the clock (performance.now)'],
  [/\bprocess\.hrtime\b/, 'reads the clock (process.hrtime)'],
  [/\bMath\.random\s*\(/, 'uses unseeded randomness (Math.random)'],
  [/\bcrypto\.(randomUUID|getRandomValues|randomBytes)\b/, 'uses unseeded randomness (crypto)'],
  [/\bprocess\.(env|argv|stdout|stderr|exit)\b/, 'touches the process (I/O)'],
  [/\bsetTimeout\s*\(|\bsetInterval\s*\(/, 'schedules timers (time must be injected)'],
];
const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) yield p;
  }
}

const violations = [];
for (const file of files(domainDir)) {
  // Tests are harness, not shipped core: they may import vitest and fast-check.
  if (/\.test\.ts$/.test(file)) continue;
  const rel = relative(root, file);
  const src = readFileSync(file, 'utf8');
  const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  for (const m of code.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(domainDir)) violations.push(`${rel}: imports ${spec}, which is outside domain/`);
    } else if (!ALLOWED_PACKAGES.has(spec)) {
      violations.push(`${rel}: imports '${spec}' (domain/ may import only decimal.js)`);
    }
  }
  for (const [re, what] of FORBIDDEN_CALLS) {
    const lines = code.split('\n');
    lines.forEach((line, i) => { if (re.test(line)) violations.push(`${rel}:${i + 1}: ${what}`); });
  }
}
if (violations.length > 0) {
  console.error(`dependency rule: ${violations.length} violation(s) in domain/`);
  for (const v of violations) console.error(`  ${v}`);
  process.exit(1);
}
console.log('dependency rule: domain/ imports only decimal.js and reads no clock or randomness');
