// After `vite build`: precompress the assets (the API serves .br / .gz as they are), check that
// index.html holds no inline script, and report the JavaScript a first visit loads, failing the
// build when it exceeds the budget.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const DIST = join(import.meta.dirname, '../dist');
/** Gzipped bytes of the entry script and its modulepreloads (issue 10: at most 200 KB). */
const INITIAL_JS_BUDGET = 200 * 1024;
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;
/** Below this, compression saves less than the headers it costs. */
const MIN_BYTES = 1024;

async function filesUnder(dir) {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
    ),
  );
  return nested.flat();
}

async function precompress(files) {
  for (const file of files) {
    if (!COMPRESSIBLE.test(file) || (await stat(file)).size < MIN_BYTES) continue;
    const content = await readFile(file);
    await writeFile(`${file}.gz`, gzipSync(content, { level: 9 }));
    await writeFile(
      `${file}.br`,
      brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    );
  }
}

/** The scripts index.html loads at once: the entry and every modulepreload. */
async function initialScripts() {
  const html = await readFile(join(DIST, 'index.html'), 'utf8');
  const sources = [
    ...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g),
  ].map((match) => match[1]);
  return [...new Set(sources)];
}

/**
 * The SPA's Content-Security-Policy runs scripts of its own origin only (script-src 'self',
 * script-src-attr 'none'): an inline script or event handler would be blocked in the browser.
 */
async function assertNoInlineScript() {
  const html = await readFile(join(DIST, 'index.html'), 'utf8');
  const inline = [
    ...[...html.matchAll(/<script\b[^>]*>/g)]
      .map((match) => match[0])
      .filter((tag) => !/\ssrc=/.test(tag)),
    ...[...html.matchAll(/\son[a-z]+\s*=/g)].map((match) => match[0].trim()),
  ];
  if (inline.length > 0)
    throw new Error(
      `index.html holds inline script, which the SPA's CSP blocks: ${inline.join(', ')}`,
    );
}

await assertNoInlineScript();
const files = await filesUnder(DIST);
const maps = files.filter((file) => file.endsWith('.map'));
if (maps.length > 0) throw new Error(`Source maps must not be served: ${maps.join(', ')}`);
await precompress(files);

let gzipped = 0;
for (const script of await initialScripts())
  gzipped += gzipSync(await readFile(join(DIST, script))).length;
const kb = (gzipped / 1024).toFixed(1);
// A build step's report: stdout is where it belongs.
process.stdout.write(
  `Initial JavaScript: ${kb} KB gzipped (budget ${INITIAL_JS_BUDGET / 1024} KB)\n`,
);
if (gzipped > INITIAL_JS_BUDGET) {
  process.stderr.write('Over budget: split off the code that a first visit does not need.\n');
  process.exit(1);
}
