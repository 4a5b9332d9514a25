import { formatToken, generateToken, hashToken, isWellFormedToken } from './token-format.js';

describe('token format', () => {
  it('generates prefixed tokens whose checksum verifies', () => {
    const token = generateToken('lkt_');
    expect(token).toMatch(/^lkt_[0-9A-Za-z]{46}$/);
    expect(isWellFormedToken(token, 'lkt_')).toBe(true);
    expect(generateToken('lkt_')).not.toBe(token);
  });

  it('refuses a token with one character changed, or another prefix', () => {
    const token = generateToken('lkr_');
    const last = token.at(-10) === 'a' ? 'b' : 'a';
    const typo = `${token.slice(0, -10)}${last}${token.slice(-9)}`;
    expect(isWellFormedToken(typo, 'lkr_')).toBe(false);
    expect(isWellFormedToken(token, 'lkt_')).toBe(false);
    expect(isWellFormedToken(`${token}x`, 'lkr_')).toBe(false);
    expect(isWellFormedToken('lkr_', 'lkr_')).toBe(false);
  });

  it('derives the same token from the same bytes', () => {
    const bytes = Buffer.alloc(32, 7);
    expect(formatToken('lkr_', bytes)).toBe(formatToken('lkr_', bytes));
    expect(isWellFormedToken(formatToken('lkr_', bytes), 'lkr_')).toBe(true);
  });

  it('hashes with SHA-256', () => {
    expect(hashToken('abc').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
