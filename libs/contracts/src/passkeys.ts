import { z } from 'zod';

/** A base64url string (WebAuthn's encoding of binary fields), bounded so it stays cheap to parse. */
// Signatures and public keys are sized for ML-DSA-87 (4,627- and 2,592-byte), which
// @simplewebauthn/server offers first (ML-DSA-44) where the runtime supports it (Node 24).
const PQC_SIGNATURE_MAX = 8192;
const PQC_PUBLIC_KEY_MAX = 4096;
const base64url = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*={0,2}$/, 'expected a base64url string');

/** PostgreSQL text cannot hold NUL: refused here, as a 400, rather than by the database. */
const withoutNul = (value: string) => !value.includes('\u0000');

export const PASSKEY_NAME_MAX_LENGTH = 64;
export const passkeyNameSchema = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(PASSKEY_NAME_MAX_LENGTH, `Name is at most ${PASSKEY_NAME_MAX_LENGTH} characters`)
  .refine(withoutNul, 'Name may not contain NUL characters');

const AUTHENTICATOR_TRANSPORTS = [
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
] as const;

const credentialCommon = {
  id: base64url(1366),
  rawId: base64url(1366),
  type: z.literal('public-key'),
  clientExtensionResults: z.looseObject({}).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};

/** What `startRegistration()` of @simplewebauthn/browser returns (RegistrationResponseJSON). */
export const registrationResponseSchema = z.object({
  ...credentialCommon,
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(65536),
    authenticatorData: base64url(65536).optional(),
    transports: z
      .array(z.enum(AUTHENTICATOR_TRANSPORTS).or(z.string().max(32)))
      .max(16)
      .optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(PQC_PUBLIC_KEY_MAX).optional(),
  }),
});

/** What `startAuthentication()` of @simplewebauthn/browser returns (AuthenticationResponseJSON). */
export const authenticationResponseSchema = z.object({
  ...credentialCommon,
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(65536),
    signature: base64url(PQC_SIGNATURE_MAX),
    userHandle: base64url(512).optional(),
  }),
});

const credentialDescriptorSchema = z.object({
  id: z.string(),
  type: z.string(),
  transports: z.array(z.string()).optional(),
});

/** PublicKeyCredentialCreationOptionsJSON, for `startRegistration({ optionsJSON })`. */
export const passkeyRegistrationOptionsSchema = z.looseObject({
  challenge: z.string(),
  rp: z.object({ id: z.string().optional(), name: z.string() }),
  user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
  pubKeyCredParams: z.array(z.object({ alg: z.number(), type: z.literal('public-key') })),
  timeout: z.number().optional(),
  excludeCredentials: z.array(credentialDescriptorSchema).optional(),
  authenticatorSelection: z
    .object({
      authenticatorAttachment: z.string().optional(),
      residentKey: z.string().optional(),
      requireResidentKey: z.boolean().optional(),
      userVerification: z.string().optional(),
    })
    .optional(),
  attestation: z.string().optional(),
});

/** PublicKeyCredentialRequestOptionsJSON, for `startAuthentication({ optionsJSON })`. */
export const passkeyAuthenticationOptionsSchema = z.looseObject({
  challenge: z.string(),
  rpId: z.string().optional(),
  timeout: z.number().optional(),
  allowCredentials: z.array(credentialDescriptorSchema).optional(),
  userVerification: z.enum(['required', 'preferred', 'discouraged']).optional(),
});

export const registerPasskeySchema = z.object({
  name: passkeyNameSchema,
  response: registrationResponseSchema,
});

export const renamePasskeySchema = z.object({ name: passkeyNameSchema }).strict();

export const passkeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  /** Synced by its provider (iCloud Keychain, Google Password Manager, …) rather than one device. */
  backedUp: z.boolean(),
});
export const passkeyListSchema = z.object({ items: z.array(passkeySchema) });

/** `login` lists that user's passkeys; without it the browser offers its discoverable ones. */
export const passkeyLoginOptionsInputSchema = z.object({
  login: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .refine(withoutNul, 'Login may not contain NUL characters')
    .optional(),
});

export const passkeyLoginSchema = z.object({ response: authenticationResponseSchema });

export const mfaPasskeyOptionsInputSchema = z.object({ mfa_token: z.string().min(1).max(2048) });

export type RegistrationResponse = z.infer<typeof registrationResponseSchema>;
export type AuthenticationResponse = z.infer<typeof authenticationResponseSchema>;
export type PasskeyRegistrationOptions = z.infer<typeof passkeyRegistrationOptionsSchema>;
export type PasskeyAuthenticationOptions = z.infer<typeof passkeyAuthenticationOptionsSchema>;
export type RegisterPasskeyInput = z.infer<typeof registerPasskeySchema>;
export type RenamePasskeyInput = z.infer<typeof renamePasskeySchema>;
export type Passkey = z.infer<typeof passkeySchema>;
export type PasskeyList = z.infer<typeof passkeyListSchema>;
export type PasskeyLoginOptionsInput = z.infer<typeof passkeyLoginOptionsInputSchema>;
export type PasskeyLoginInput = z.infer<typeof passkeyLoginSchema>;
export type MfaPasskeyOptionsInput = z.infer<typeof mfaPasskeyOptionsInputSchema>;
