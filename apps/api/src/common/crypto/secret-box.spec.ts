import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox, loadMasterKey } from './secret-box.js';

const box = new SecretBox(Buffer.from('a master key of thirty-two chars!'));

describe('SecretBox', () => {
  it('opens what it sealed, for the same purpose only', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp-secret');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'totp-secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => box.open(sealed, 'signing-key')).toThrow();
  });

  it('refuses a tampered ciphertext', () => {
    const [format, iv, tag, data] = box.seal('secret', 'totp-secret').split('.');
    const flipped = Buffer.from(data as string, 'base64url');
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(() =>
      box.open([format, iv, tag, flipped.toString('base64url')].join('.'), 'totp-secret'),
    ).toThrow();
  });

  it('keys its MACs by purpose and master key', () => {
    const other = new SecretBox(Buffer.from('another master key, 32 chars...'));
    expect(box.mac('abcde-fghij', 'recovery-code')).toBe(box.mac('abcde-fghij', 'recovery-code'));
    expect(box.mac('abcde-fghij', 'recovery-code')).not.toBe(
      other.mac('abcde-fghij', 'recovery-code'),
    );
  });
});

describe('loadMasterKey', () => {
  it('creates DATA_DIR/encryption.key once, readable by its owner only', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'latchkey-key-')), 'data');
    const first = loadMasterKey(undefined, dir);
    expect(first).toHaveLength(32);
    expect(statSync(join(dir, 'encryption.key')).mode & 0o777).toBe(0o600);
    expect(loadMasterKey(undefined, dir)).toEqual(first);
    expect(readFileSync(join(dir, 'encryption.key'), 'utf8')).toBe(first.toString('base64'));
  });

  it('prefers the configured key', () => {
    expect(loadMasterKey('k'.repeat(32), '/nonexistent').toString()).toBe('k'.repeat(32));
  });
});
