import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
}
