/**
 * Generates docs/config-reference.md from the config schemas.
 *
 *   npm run docs:config            write the file
 *   npm run docs:config -- --check exit 1 when the committed file is stale
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { REFERENCE_PATH, renderConfigReference } from '../config/schema/reference.ts';

const target = fileURLToPath(new URL(`../${REFERENCE_PATH}`, import.meta.url));
const text = renderConfigReference();

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => undefined);
  if (current !== text) {
    console.error(`${REFERENCE_PATH} is ${current === undefined ? 'missing' : 'stale'}: run \`npm run docs:config\``);
    process.exitCode = 1;
  } else {
    console.log(`${REFERENCE_PATH} is up to date`);
  }
} else {
  await writeFile(target, text);
  console.log(`wrote ${REFERENCE_PATH}`);
}
