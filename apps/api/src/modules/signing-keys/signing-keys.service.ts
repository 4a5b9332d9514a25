import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import type { JWK } from 'jose';
import type { SigningKey } from '@latchkey/contracts';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { Acting } from '../../common/auth/acting.js';
import { SecretBox, masterKeyMismatch } from '../../common/crypto/secret-box.js';
import { ChangeFeed } from '../../common/events/change-feed.js';
import { SIGNING_KEYS_LOADED_TOPIC, SIGNING_KEYS_TOPIC } from '../../common/events/topics.js';
import { AuditService } from '../audit/audit.service.js';
import type { SigningKeyEntity } from './signing-key.entity.js';
import { SigningKeysRepository } from './signing-keys.repository.js';

export const ASYMMETRIC_ALG = 'ES256';
export const SYMMETRIC_ALG = 'HS256';
/** Extra time a retired key stays published, for clock skew and caching verifiers. */
const PUBLISH_MARGIN_SECONDS = 300;
const RELOAD_ON_UNKNOWN_KID_MS = 10_000;

/** Per key id: the live stored credentials (PATs, account tokens) it signed. */
export interface LiveTokens {
  count: number;
  withoutExpiry: number;
  lastExpiresAt: Date | null;
}

/** Whoever stores long-lived JWTs says which keys signed live ones, so they stay published. */
export type KeyHolder = () => Promise<Map<string, LiveTokens>>;

interface ActiveKey {
  kid: string | undefined;
  alg: string;
  key: KeyObject;
}

/**
 * The keys JWTs are signed and verified with. Asymmetric (ES256, with kid) by default: private
 * keys sealed in the database, so restarts and other instances share them. With JWT_SECRET, HS256
 * with that secret and no published keys.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger(SigningKeysService.name);
  private active: ActiveKey | null = null;
  private verification = new Map<string, KeyObject>();
  private publicJwks: JWK[] = [];
  private lastReload = 0;
  private keyHolder: KeyHolder = () => Promise.resolve(new Map());
  /** Longest lifetime of any token signed by the active key, besides PATs and account tokens. */
  private readonly publishSeconds: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SigningKeysRepository) private readonly keys: SigningKeysRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(ChangeFeed) private readonly feed: ChangeFeed,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {
    this.publishSeconds =
      Math.max(
        config.AUTH_ACCESS_TOKEN_TTL,
        config.AUTH_MFA_TOKEN_TTL,
        config.AUTH_EXCHANGE_TOKEN_TTL,
      ) + PUBLISH_MARGIN_SECONDS;
  }

  get symmetric(): boolean {
    return this.config.JWT_SECRET !== undefined;
  }

  get algorithm(): string {
    return this.symmetric ? SYMMETRIC_ALG : ASYMMETRIC_ALG;
  }

  async onModuleInit(): Promise<void> {
    if (this.symmetric) {
      const secret = createSecretKey(Buffer.from(this.config.JWT_SECRET as string, 'utf8'));
      this.active = { kid: undefined, alg: SYMMETRIC_ALG, key: secret };
      return;
    }
    const reloadQuietly = () =>
      void this.reload().catch((error: unknown) =>
        this.logger.warn(`signing keys not reloaded: ${(error as Error).message}`),
      );
    this.feed.subscribe(SIGNING_KEYS_TOPIC, { changed: reloadQuietly, reset: reloadQuietly });
    const created = await this.keys.activate(this.generate(), this.publishSeconds, true);
    if (created) this.logger.debug('created the first signing key');
    await this.reload();
  }

  /** Keeps the keys `holder` names published; loads the keys again with them. */
  async registerKeyHolder(holder: KeyHolder): Promise<void> {
    this.keyHolder = holder;
    if (!this.symmetric) await this.reload();
  }

  /** The key new tokens are signed with. */
  signingKey(): ActiveKey {
    if (!this.active) throw new Error('Signing keys are not loaded');
    return this.active;
  }

  /** The key a token's kid names, among the published ones; undefined for an unknown kid. */
  async verificationKey(kid: string | undefined): Promise<KeyObject | undefined> {
    if (this.symmetric) return this.active?.key;
    if (!kid) return undefined;
    const known = this.verification.get(kid);
    if (known || Date.now() - this.lastReload < RELOAD_ON_UNKNOWN_KID_MS) return known;
    await this.reload();
    return this.verification.get(kid);
  }

  /** RFC 7517 key set: the public halves of the active and still-published keys. */
  jwks(): { keys: JWK[] } {
    return { keys: this.publicJwks };
  }

  async list(): Promise<SigningKey[]> {
    const [entities, live] = await Promise.all([this.keys.findAll(), this.keyHolder()]);
    return entities.map((entity) => {
      const tokens = live.get(entity.kid);
      return {
        kid: entity.kid,
        alg: entity.alg,
        state: entity.retiredAt === null ? 'active' : 'retired',
        createdAt: entity.createdAt.toISOString(),
        retiredAt: entity.retiredAt?.toISOString() ?? null,
        publishedUntil: entity.publishedUntil?.toISOString() ?? null,
        liveTokens: {
          count: tokens?.count ?? 0,
          withoutExpiry: tokens?.withoutExpiry ?? 0,
          lastExpiresAt: tokens?.lastExpiresAt?.toISOString() ?? null,
        },
      };
    });
  }

  /** A new active key; the old one stays published until its tokens have expired. */
  async rotate(acting: Acting): Promise<SigningKey> {
    if (this.symmetric) {
      throw new Error('JWT_SECRET is set: HS256 has no keys to rotate; change the secret instead.');
    }
    const next = this.generate();
    await this.keys.activate(next, this.publishSeconds, false);
    await this.feed.publish(SIGNING_KEYS_TOPIC, '*');
    await this.reload();
    const created = (await this.list()).find((key) => key.kid === next.kid);
    if (!created) throw new Error('The new signing key was not stored');
    await this.audit.record('signing_key.rotated', { ...acting, details: { kid: created.kid } });
    return created;
  }

  /** A new P-256 key pair (ES256), the private half sealed for storage. */
  private generate() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomUUID();
    const publicJwk: JWK = {
      ...(publicKey.export({ format: 'jwk' }) as JWK),
      kid,
      alg: ASYMMETRIC_ALG,
      use: 'sig',
    };
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    return {
      kid,
      alg: ASYMMETRIC_ALG,
      publicJwk,
      privateKeySealed: this.box.seal(pem, 'signing-key'),
    };
  }

  private openPrivateKey(entity: SigningKeyEntity): string {
    try {
      return this.box.open(entity.privateKeySealed, 'signing-key');
    } catch (error) {
      throw masterKeyMismatch(this.config, 'signing key', error);
    }
  }

  private async reload(): Promise<void> {
    this.lastReload = Date.now();
    const published = await this.keys.findPublished([...(await this.keyHolder()).keys()]);
    const activeEntity = published.find((entity) => entity.retiredAt === null);
    if (!activeEntity) throw new Error('No active signing key');
    this.active = {
      kid: activeEntity.kid,
      alg: activeEntity.alg,
      key: createPrivateKey(this.openPrivateKey(activeEntity)),
    };
    this.verification = new Map(
      published.map((entity: SigningKeyEntity) => [
        entity.kid,
        createPublicKey({ key: entity.publicJwk, format: 'jwk' }),
      ]),
    );
    this.publicJwks = published.map((entity) => entity.publicJwk);
    this.feed.announceLocally(SIGNING_KEYS_LOADED_TOPIC, '*');
  }
}
