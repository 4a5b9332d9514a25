import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What one attack spec tried and saw; `npm run chaos` adds them up into docs/reliability.md. */
export interface AttackTally {
  casesTried: number;
  accepted: number;
  fivexx: number;
  secretsInLogs: number;
}

/** test-results/attack/<spec>.json at the repository root: one file per spec, no write races. */
export const ATTACK_TALLY_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../test-results/attack',
);

export function newAttackTally(): AttackTally {
  return { casesTried: 0, accepted: 0, fivexx: 0, secretsInLogs: 0 };
}

/** Counts one hostile input: any 5xx is a failure. */
export function tallyInput(tally: AttackTally, status: number): void {
  tally.casesTried += 1;
  if (status >= 500) tally.fivexx += 1;
}

/** Counts one forged or altered credential: a 2xx means it was accepted. */
export function tallyForgery(tally: AttackTally, status: number): void {
  tallyInput(tally, status);
  if (status >= 200 && status < 300) tally.accepted += 1;
}

export async function writeAttackTally(spec: string, tally: AttackTally): Promise<void> {
  await mkdir(ATTACK_TALLY_DIR, { recursive: true });
  await writeFile(join(ATTACK_TALLY_DIR, `${spec}.json`), `${JSON.stringify(tally)}\n`);
}
