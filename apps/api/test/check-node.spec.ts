import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(import.meta.dirname, '../../../scripts/check-node.mjs');

/** What `npm start` runs first, as a given Node.js version would see it. */
function check(version: string) {
  const result = spawnSync(process.execPath, [SCRIPT, version], { encoding: 'utf8' });
  return { code: result.status, stderr: result.stderr };
}

describe('the Node.js version check before npm start', () => {
  it.each(['20.20.2', '22.12.0', '23.5.0', '24.10.0'])(
    'stops Node.js %s with one line naming the versions needed',
    (version) => {
      const { code, stderr } = check(version);
      expect(code).toBe(1);
      expect(stderr.trimEnd().split('\n')).toEqual([
        `Latchkey needs Node.js 22.13.0 or a later 22.x, or 24.11.0 or later; this is Node.js ${version}. Install a supported version (for example with nvm: nvm install 24) and run npm ci again.`,
      ]);
    },
  );

  it.each(['22.13.0', '22.20.1', '24.11.0', '25.2.0'])('lets Node.js %s through', (version) => {
    expect(check(version)).toEqual({ code: 0, stderr: '' });
  });
});
