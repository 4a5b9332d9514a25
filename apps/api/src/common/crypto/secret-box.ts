import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../startup/startup-error.js';

/** What a derived key is for: one key per purpose, so no ciphertext or MAC is valid for another. */
export type KeyPurpose =
  | 'signing-key'
  | 'totp-secret'
  | 'recovery-code'
  | 'refresh-token'
  | 'device-cookie'
  | 'audit-login';

const FORMAT = 'v1';

/**
 * Encrypts small secrets at rest (AES-256-GCM) and keys MACs, with keys derived (HKDF-SHA256)
 * from one master key: ENCRYPTION_KEY, or a random key kept in DATA_DIR/encryption.key.
 */
export class SecretBox {
  private readonly keys = new Map<KeyPurpose, Buffer>();

  constructor(private readonly masterKey: Buffer) {}

  seal(plaintext: string, purpose: KeyPurpose): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(purpose), iv);
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, iv, cipher.getAuthTag(), sealed]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  open(sealed: string, purpose: KeyPurpose): string {
    const [format, iv, tag, data] = sealed.split('.');
    if (format !== FORMAT || !iv || !tag || data === undefined) {
      throw new Error('Not a sealed secret');
    }
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.key(purpose),
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  /** A keyed hash: a stolen table of these cannot be brute-forced without the master key. */
  mac(value: string, purpose: KeyPurpose): string {
    return createHmac('sha256', this.key(purpose)).update(value, 'utf8').digest('hex');
  }

  private key(purpose: KeyPurpose): Buffer {
    let key = this.keys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.masterKey, '', `latchkey:${purpose}`, 32));
      this.keys.set(purpose, key);
    }
    return key;
  }
}

/**
 * The master key: ENCRYPTION_KEY when configured, else DATA_DIR/encryption.key, created with
 * 32 random bytes (mode 0600) on first start.
 */
export function loadMasterKey(encryptionKey: string | undefined, dataDir: string): Buffer {
  if (encryptionKey) return Buffer.from(encryptionKey, 'utf8');
  const path = join(dataDir, 'encryption.key');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length < 32) {
    throw new StartupError(
      `DATA_DIR/encryption.key (${path}) does not hold a key (32 random bytes, base64). Put the original file back, or set ENCRYPTION_KEY to the key this database was created with.`,
    );
  }
  return key;
}

/**
 * The master key could not open what it sealed: the key is not the one the database was created
 * with (a replaced DATA_DIR/encryption.key, a changed ENCRYPTION_KEY, another instance's key).
 */
export function masterKeyMismatch(
  config: { ENCRYPTION_KEY?: string; DATA_DIR: string },
  sealed: string,
  cause: unknown,
): StartupError {
  const source = config.ENCRYPTION_KEY
    ? 'ENCRYPTION_KEY is'
    : `DATA_DIR/encryption.key (${join(config.DATA_DIR, 'encryption.key')}) holds`;
  return new StartupError(
    `The ${sealed} stored in the database cannot be decrypted: ${source} another key than the one this database was created with. ` +
      'Set ENCRYPTION_KEY to the original key or put the original encryption.key back in DATA_DIR; ' +
      'or start on a new database (another DATABASE_URL, or an empty DATA_DIR).',
    { cause },
  );
}
