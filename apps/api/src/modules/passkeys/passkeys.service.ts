import { Inject, Injectable } from '@nestjs/common';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';
import type {
  AuthenticationResponse,
  PasskeyAuthenticationOptions,
  PasskeyRegistrationOptions,
  RegistrationResponse,
} from '@latchkey/contracts';
import type { RequestContext } from '../../common/auth/request-context.js';
import { Problems } from '../../common/problem/problem.exception.js';
import { isStorableText } from '../../common/validation/storable-text.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuditService, type AuditParty } from '../audit/audit.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { PasskeyEntity } from './passkey.entity.js';
import {
  DuplicateCredential,
  PasskeysRepository,
  type ChallengePurpose,
} from './passkeys.repository.js';

/** How long a challenge may be answered: the ceremony's timeout too. */
const CHALLENGE_TTL_SECONDS = 300;
/** Enough for every device a person owns; keeps one account from filling the table. */
const MAX_PASSKEYS_PER_USER = 25;

export type AssertionOutcome =
  { ok: true; passkey: PasskeyEntity } | { ok: false; reason: string; passkey?: PasskeyEntity };

/** The user handle given to authenticators: the user's id, which carries nothing personal. */
const userHandleOf = (userId: string) => isoUint8Array.fromUTF8String(userId);

/**
 * The challenge a response claims to answer, read from its clientDataJSON; null if unreadable.
 * It is decoded past the edge's check of the body, so it is checked for storable text here.
 */
function challengeOf(clientDataJSON: string): string | null {
  try {
    const clientData = JSON.parse(isoBase64URL.toUTF8String(clientDataJSON)) as unknown;
    const challenge = (clientData as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === 'string' &&
      challenge.length > 0 &&
      challenge.length <= 512 &&
      isStorableText(challenge)
      ? challenge
      : null;
  } catch {
    return null;
  }
}

/**
 * WebAuthn (passkeys) on @simplewebauthn/server: registration, and assertions for passwordless
 * sign-in and as a second factor. The RP ID and the expected origin come from the configuration
 * (WEBAUTHN_RP_ID, PUBLIC_URL); challenges are stored in PostgreSQL and good once.
 */
@Injectable()
export class PasskeysService {
  private readonly rpId: string;
  private readonly origin: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PasskeysRepository) private readonly passkeys: PasskeysRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(UsersService) private readonly users: UsersService,
  ) {
    this.rpId = config.WEBAUTHN_RP_ID;
    this.origin = new URL(config.PUBLIC_URL).origin;
  }

  async registrationOptions(
    user: Pick<UserEntity, 'id' | 'login' | 'displayName'>,
  ): Promise<PasskeyRegistrationOptions> {
    const existing = await this.passkeys.listByUser(user.id);
    if (existing.length >= MAX_PASSKEYS_PER_USER) {
      throw Problems.conflict(
        `You have ${MAX_PASSKEYS_PER_USER} passkeys, the most an account may hold: remove one first.`,
      );
    }
    const options = await generateRegistrationOptions({
      rpName: this.config.WEBAUTHN_RP_NAME,
      rpID: this.rpId,
      userName: user.login,
      userDisplayName: user.displayName,
      userID: userHandleOf(user.id),
      timeout: CHALLENGE_TTL_SECONDS * 1000,
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({
        id: passkey.credentialId,
        transports: passkey.transports,
      })),
      // Discoverable, so that it signs in without a login; user verification where it can.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    await this.passkeys.saveChallenge(
      options.challenge,
      'registration',
      user.id,
      CHALLENGE_TTL_SECONDS,
      this.config.WEBAUTHN_MAX_PENDING_CHALLENGES,
    );
    return { ...options };
  }

  /** Verifies the authenticator's attestation against a challenge issued to this user, and stores it. */
  async register(
    user: AuditParty,
    name: string,
    response: RegistrationResponse,
    context: RequestContext,
  ): Promise<PasskeyEntity> {
    const userId = user.id;
    const refused = (detail: string) =>
      Problems.validation([{ field: 'response', message: detail }], detail);
    const challenge = challengeOf(response.response.clientDataJSON);
    const issued = challenge
      ? await this.passkeys.consumeChallenge(challenge, 'registration')
      : null;
    if (!challenge || !issued || issued.userId !== userId) {
      throw refused('The registration has expired or was not started here: start again.');
    }
    const verification = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: this.origin,
      expectedRPID: this.rpId,
      // A security key without a PIN is still a good second factor; passwordless sign-in asks
      // for user verification at every use instead.
      requireUserVerification: false,
    }).catch(() => null);
    if (!verification?.verified) throw refused('The passkey could not be verified.');
    const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
    let passkey: PasskeyEntity;
    try {
      passkey = await this.passkeys.insert({
        userId,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey),
        counter: credential.counter,
        transports: response.response.transports ?? credential.transports ?? [],
        deviceType: credentialDeviceType,
        backedUp: credentialBackedUp,
        name,
      });
    } catch (error) {
      if (error instanceof DuplicateCredential)
        throw Problems.conflict('This passkey is already registered.');
      throw error;
    }
    await this.audit.record('passkey.registered', {
      actor: user,
      subject: user,
      context,
      details: { passkeyId: passkey.id, name: passkey.name, backedUp: passkey.backedUp },
    });
    return passkey;
  }

  list(userId: string): Promise<PasskeyEntity[]> {
    return this.passkeys.listByUser(userId);
  }

  async hasPasskeys(userId: string): Promise<boolean> {
    return (await this.passkeys.countByUser(userId)) > 0;
  }

  async rename(userId: string, id: string, name: string): Promise<PasskeyEntity> {
    const renamed = await this.passkeys.rename(userId, id, name);
    if (!renamed) throw Problems.notFound('There is no passkey with this id.');
    return renamed;
  }

  /** Removes a passkey of `subject` (the actor themself, or a user an admin manages). */
  async remove(
    actor: AuditParty,
    subject: AuditParty,
    id: string,
    context: RequestContext,
  ): Promise<void> {
    const removed = await this.passkeys.delete(subject.id, id);
    if (!removed) throw Problems.notFound('There is no passkey with this id.');
    await this.audit.record('passkey.removed', {
      actor,
      subject,
      context,
      details: { passkeyId: removed.id, name: removed.name },
    });
  }

  /**
   * Options for a passwordless sign-in. With a login, that user's passkeys are listed (and the
   * answer must come from one of them); without, the browser offers its discoverable ones.
   */
  async loginOptions(user: UserEntity | null): Promise<PasskeyAuthenticationOptions> {
    const allowed = user ? await this.passkeys.listByUser(user.id) : [];
    return this.authenticationOptions('login', user?.id ?? null, allowed, 'required');
  }

  /** Options for the second step of a password login, listing the user's passkeys. */
  async mfaOptions(userId: string): Promise<PasskeyAuthenticationOptions> {
    const allowed = await this.passkeys.listByUser(userId);
    if (allowed.length === 0) throw Problems.conflict('This account has no passkey.');
    return this.authenticationOptions('mfa', userId, allowed, 'preferred');
  }

  /** Options for proving a signed-in user again (step-up), listing the user's passkeys. */
  async reauthenticationOptions(userId: string): Promise<PasskeyAuthenticationOptions> {
    const allowed = await this.passkeys.listByUser(userId);
    if (allowed.length === 0) throw Problems.conflict('This account has no passkey.');
    return this.authenticationOptions('reauthentication', userId, allowed, 'required');
  }

  /** A passkey of this user, with user verification, proving the user again (step-up). */
  verifyReauthentication(
    userId: string,
    response: AuthenticationResponse,
    context: RequestContext,
  ): Promise<AssertionOutcome> {
    return this.verifyAssertion(response, 'reauthentication', userId, context);
  }

  /** A passwordless sign-in: a discoverable credential, with user verification. */
  verifyLogin(
    response: AuthenticationResponse,
    context: RequestContext,
  ): Promise<AssertionOutcome> {
    return this.verifyAssertion(response, 'login', null, context);
  }

  /** A passkey as the second factor of this user's password login. */
  verifyMfa(
    userId: string,
    response: AuthenticationResponse,
    context: RequestContext,
  ): Promise<AssertionOutcome> {
    return this.verifyAssertion(response, 'mfa', userId, context);
  }

  private async authenticationOptions(
    purpose: ChallengePurpose,
    userId: string | null,
    allowed: PasskeyEntity[],
    userVerification: 'required' | 'preferred',
  ): Promise<PasskeyAuthenticationOptions> {
    const options = await generateAuthenticationOptions({
      rpID: this.rpId,
      timeout: CHALLENGE_TTL_SECONDS * 1000,
      userVerification,
      allowCredentials: allowed.map((passkey) => ({
        id: passkey.credentialId,
        transports: passkey.transports,
      })),
    });
    await this.passkeys.saveChallenge(
      options.challenge,
      purpose,
      userId,
      CHALLENGE_TTL_SECONDS,
      this.config.WEBAUTHN_MAX_PENDING_CHALLENGES,
    );
    return { ...options };
  }

  /**
   * Checks an assertion: its challenge (issued here for this purpose, spent now), its credential
   * (registered, of the expected user), its origin, RP ID, flags and signature, then its counter.
   */
  private async verifyAssertion(
    response: AuthenticationResponse,
    purpose: ChallengePurpose,
    expectedUserId: string | null,
    context: RequestContext,
  ): Promise<AssertionOutcome> {
    const challenge = challengeOf(response.response.clientDataJSON);
    const issued = challenge ? await this.passkeys.consumeChallenge(challenge, purpose) : null;
    if (!challenge || !issued) return { ok: false, reason: 'challenge' };
    const userId = expectedUserId ?? issued.userId;
    if (expectedUserId !== null && issued.userId !== expectedUserId) {
      return { ok: false, reason: 'challenge' };
    }
    const passkey = await this.passkeys.findByCredentialId(response.id);
    if (!passkey) return { ok: false, reason: 'unknown_passkey' };
    if (userId !== null && passkey.userId !== userId) return { ok: false, reason: 'other_user' };
    const handle = response.response.userHandle;
    if (handle && handle !== isoBase64URL.fromBuffer(userHandleOf(passkey.userId))) {
      return { ok: false, reason: 'user_handle', passkey };
    }
    const verification = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: this.origin,
      expectedRPID: this.rpId,
      // The counter is checked below, once the signature is known to be good, so that a
      // regression is told apart (and audited) from a forgery.
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: 0,
        transports: passkey.transports,
      },
      requireUserVerification: purpose === 'login' || purpose === 'reauthentication',
    }).catch(() => null);
    if (!verification?.verified) return { ok: false, reason: 'signature', passkey };
    const { newCounter, credentialBackedUp } = verification.authenticationInfo;
    const regressed = (newCounter > 0 || passkey.counter > 0) && newCounter <= passkey.counter;
    if (
      regressed ||
      !(await this.passkeys.recordUse(passkey.id, passkey.counter, newCounter, credentialBackedUp))
    ) {
      await this.audit.record('passkey.counter_regressed', {
        subject: await this.users.findById(passkey.userId),
        context,
        details: {
          passkeyId: passkey.id,
          name: passkey.name,
          stored: passkey.counter,
          presented: newCounter,
        },
      });
      return { ok: false, reason: 'counter', passkey };
    }
    return { ok: true, passkey };
  }
}
