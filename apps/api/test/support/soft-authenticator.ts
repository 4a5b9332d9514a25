import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/** What the server sends for navigator.credentials.create() / .get(), as far as we read it. */
interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}
interface RequestOptions {
  challenge: string;
  rpId?: string;
}

/** How a ceremony may deviate from an honest browser and authenticator, for attack tests. */
export interface CeremonyOverrides {
  /** The page origin the browser reports in clientDataJSON. */
  origin?: string;
  /** The RP ID whose hash the authenticator puts in authenticatorData. */
  rpId?: string;
  /** Whether the authenticator reports user verification (PIN, biometrics). Default true. */
  userVerified?: boolean;
  /** The signature counter to report instead of the next one. */
  counter?: number;
}

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

/**
 * A passkey authenticator in software: one ES256 key that builds real attestation objects
 * (fmt "none", CBOR) and real signed assertions, so the server verifies them as it would a
 * phone's or a security key's, with nothing mocked on its side.
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(32);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private counter = 0;
  /** The user handle the server gave at registration, returned with every assertion. */
  userHandle: string | undefined;

  constructor(
    readonly origin: string,
    readonly rpId: string,
  ) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  /** What startRegistration() would return for these options (RegistrationResponseJSON). */
  register(options: CreationOptions, overrides: CeremonyOverrides = {}) {
    this.userHandle = options.user.id;
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, overrides);
    const authData = Buffer.concat([
      this.authDataHead(overrides.rpId ?? options.rp.id ?? this.rpId, FLAG_AT, overrides, 0),
      Buffer.alloc(16), // AAGUID: none
      Buffer.from([this.credentialId.length >> 8, this.credentialId.length & 0xff]),
      this.credentialId,
      this.cosePublicKey(),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', new Uint8Array(authData)],
      ]) as Parameters<typeof isoCBOR.encode>[0],
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }

  /** What startAuthentication() would return for these options (AuthenticationResponseJSON). */
  assert(options: RequestOptions, overrides: CeremonyOverrides = {}) {
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, overrides);
    if (overrides.counter === undefined) this.counter += 1;
    const authenticatorData = this.authDataHead(
      overrides.rpId ?? options.rpId ?? this.rpId,
      0,
      overrides,
      overrides.counter ?? this.counter,
    );
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), {
      key: this.privateKey,
      dsaEncoding: 'der',
    });
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }

  private clientData(type: string, challenge: string, overrides: CeremonyOverrides): Buffer {
    return Buffer.from(
      JSON.stringify({
        type,
        challenge,
        origin: overrides.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
  }

  /** rpIdHash, flags, signCount: the 37 bytes every authenticatorData starts with. */
  private authDataHead(
    rpId: string,
    extraFlags: number,
    overrides: CeremonyOverrides,
    counter: number,
  ): Buffer {
    const flags = FLAG_UP | (overrides.userVerified === false ? 0 : FLAG_UV) | extraFlags;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count]);
  }

  /** The public key as a COSE_Key (RFC 9053): EC2, ES256, P-256, x and y. */
  private cosePublicKey(): Uint8Array {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return isoCBOR.encode(
      new Map<number, unknown>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x as string, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y as string, 'base64url'))],
      ]) as Parameters<typeof isoCBOR.encode>[0],
    );
  }
}
