import { createHash, randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 40;
const CHECKSUM_LENGTH = 6;

function toBase62(bytes: Buffer, length: number): string {
  let value = BigInt(`0x${bytes.toString('hex') || '0'}`);
  let text = '';
  while (text.length < length) {
    text = BASE62[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function checksum(prefixAndBody: string): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(prefixAndBody));
  return toBase62(bytes, CHECKSUM_LENGTH);
}

/**
 * A secret token as GitHub shapes them: `<prefix><40 base62 chars of entropy><6-char CRC32>`.
 * The prefix tells scanners and the server what it is; the checksum lets a mistyped or made-up
 * token be refused without a database query.
 */
export function generateToken(prefix: string): string {
  return formatToken(prefix, randomBytes(32));
}

/** A token whose body comes from the given bytes (at least 30 of them). */
export function formatToken(prefix: string, entropy: Buffer): string {
  const body = toBase62(entropy, BODY_LENGTH).slice(-BODY_LENGTH);
  return `${prefix}${body}${checksum(prefix + body)}`;
}

/** True when the token has the prefix, the shape and a matching checksum. */
export function isWellFormedToken(token: string, prefix: string): boolean {
  if (!token.startsWith(prefix)) return false;
  const rest = token.slice(prefix.length);
  if (rest.length !== BODY_LENGTH + CHECKSUM_LENGTH || !/^[0-9A-Za-z]+$/.test(rest)) return false;
  const body = rest.slice(0, BODY_LENGTH);
  return rest.slice(BODY_LENGTH) === checksum(prefix + body);
}

/** How high-entropy tokens are stored and looked up: SHA-256, never the token itself. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
