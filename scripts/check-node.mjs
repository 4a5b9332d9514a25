// Run first by `npm start` and `npm run cli`: one clear line instead of a screen of engine
// warnings and a crash later when Node.js is too old. Reads the versions from package.json's
// "engines" ("^22.13.0 || >=24.11.0": ^ keeps the major, >= allows anything from there).
// `node scripts/check-node.mjs <version>` checks that version instead (tests).
import { readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const wanted = engines.node;
const version = process.argv[2] || process.versions.node;

function parts(text) {
  return text.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

function atLeast(have, floor) {
  for (let i = 0; i < 3; i += 1) {
    if (have[i] !== floor[i]) return have[i] > floor[i];
  }
  return true;
}

function satisfies(have, range) {
  const text = range.trim();
  if (text.startsWith('^')) {
    const floor = parts(text.slice(1));
    return have[0] === floor[0] && atLeast(have, floor);
  }
  if (text.startsWith('>=')) return atLeast(have, parts(text.slice(2)));
  return false;
}

const have = parts(version);
if (!wanted.split('||').some((range) => satisfies(have, range))) {
  const names = wanted
    .split('||')
    .map((range) =>
      range
        .trim()
        .replace(/^\^(\S+)/, '$1 or a later 22.x')
        .replace(/^>=(\S+)/, '$1 or later'),
    )
    .join(', or ');
  process.stderr.write(
    `Latchkey needs Node.js ${names}; this is Node.js ${version}. Install a supported version (for example with nvm: nvm install 24) and run npm ci again.\n`,
  );
  process.exit(1);
}
