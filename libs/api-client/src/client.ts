import {
  accessTokenResponseSchema,
  apiKeyCreatedSchema,
  apiKeyListSchema,
  apiKeySchema,
  apiKeySecretSchema,
  apiTokenCreatedSchema,
  apiTokenStateSchema,
  auditPageSchema,
  loginResponseSchema,
  meSchema,
  overviewSchema,
  passkeyAuthenticationOptionsSchema,
  passkeyListSchema,
  passkeyRegistrationOptionsSchema,
  passkeySchema,
  personalAccessTokenCreatedSchema,
  personalAccessTokenListSchema,
  personalAccessTokenSchema,
  reauthenticatedSchema,
  recoveryCodesSchema,
  revokedSessionsSchema,
  sessionListSchema,
  signingKeyListSchema,
  signingKeySchema,
  totpSetupSchema,
  userPageSchema,
  userSchema,
  type AuditEventType,
  type AuthenticationResponse,
  type ChangePasswordInput,
  type CreateApiKeyInput,
  type CreatePersonalAccessTokenInput,
  type CreateUserInput,
  type CredentialState,
  type MfaLoginInput,
  type OverviewRange,
  type PasswordLoginInput,
  type ReauthenticateInput,
  type RegisterPasskeyInput,
  type ResetPasswordInput,
  type Role,
  type RotateApiKeySecretInput,
  type RotatePersonalAccessTokenInput,
  type UpdateCredentialInput,
  type UpdateMeInput,
  type UserSort,
  type UpdateUserInput,
} from '@latchkey/contracts';
import { type ApiClientOptions, HttpTransport } from './http.js';

/** A user id, or `me` for the caller. */
export type UserRef = string;

export interface ListUsersParams {
  q?: string;
  role?: Role;
  disabled?: boolean;
  sort?: UserSort;
  page?: number;
  pageSize?: number;
}

/** Which credentials a list shows (`active`, the default, `inactive` or `all`), and which page. */
export interface ListCredentialsParams {
  state?: CredentialState;
  page?: number;
  /** At most 100, the default. */
  pageSize?: number;
}

export interface ListAuditEventsParams {
  userId?: string;
  type?: AuditEventType;
  before?: string;
  limit?: number;
}

const id = (value: string) => encodeURIComponent(value);

/** Every endpoint of the Latchkey API (SPEC.md), typed by @latchkey/contracts. */
export function createApiClient(options: ApiClientOptions = {}) {
  const http = new HttpTransport(options);

  return {
    auth: {
      login: (body: PasswordLoginInput) =>
        http.request({
          method: 'POST',
          path: '/auth/login',
          body,
          schema: loginResponseSchema,
          authenticated: false,
          cookie: true,
        }),
      loginMfa: (body: MfaLoginInput) =>
        http.request({
          method: 'POST',
          path: '/auth/login/mfa',
          body,
          schema: accessTokenResponseSchema,
          authenticated: false,
          cookie: true,
        }),
      /** Options for a passwordless sign-in; without a login, the browser offers its passkeys. */
      passkeyOptions: (login?: string) =>
        http.request({
          method: 'POST',
          path: '/auth/login/passkey-options',
          body: login ? { login } : {},
          schema: passkeyAuthenticationOptionsSchema,
          authenticated: false,
          cookie: true,
        }),
      loginPasskey: (response: AuthenticationResponse) =>
        http.request({
          method: 'POST',
          path: '/auth/login/passkey',
          body: { response },
          schema: accessTokenResponseSchema,
          authenticated: false,
          cookie: true,
        }),
      /**
       * Proves the signed-in user again (password, TOTP code or passkey) so that sensitive
       * actions are open to this session for a few minutes (step-up).
       */
      reauthenticate: (body: ReauthenticateInput) =>
        http.request({
          method: 'POST',
          path: '/auth/reauthenticate',
          body,
          schema: reauthenticatedSchema,
        }),
      /** Options for re-authenticating with a passkey (then `reauthenticate({ passkey })`). */
      reauthenticatePasskeyOptions: () =>
        http.request({
          method: 'POST',
          path: '/auth/reauthenticate/passkey-options',
          schema: passkeyAuthenticationOptionsSchema,
        }),
      /** Options for the MFA step with a passkey (then `loginMfa({ mfa_token, passkey })`). */
      mfaPasskeyOptions: (mfaToken: string) =>
        http.request({
          method: 'POST',
          path: '/auth/login/mfa/passkey-options',
          body: { mfa_token: mfaToken },
          schema: passkeyAuthenticationOptionsSchema,
          authenticated: false,
          cookie: true,
        }),
      /** Spends the lk_refresh cookie for a new access token and a rotated cookie. */
      refresh: () =>
        http.request({
          method: 'POST',
          path: '/auth/refresh',
          schema: accessTokenResponseSchema,
          authenticated: false,
          cookie: true,
        }),
      logout: () =>
        http.request({ method: 'POST', path: '/auth/logout', authenticated: false, cookie: true }),
    },

    sessions: {
      list: () =>
        http.request({ method: 'GET', path: '/auth/sessions', schema: sessionListSchema }),
      revoke: (sessionId: string) =>
        http.request({ method: 'DELETE', path: `/auth/sessions/${id(sessionId)}` }),
      /** Ends every session of the caller but the calling one. */
      revokeOthers: () =>
        http.request({
          method: 'POST',
          path: '/auth/sessions/revoke-others',
          schema: revokedSessionsSchema,
        }),
    },

    mfa: {
      setupTotp: () =>
        http.request({ method: 'POST', path: '/auth/mfa/totp/setup', schema: totpSetupSchema }),
      enableTotp: (code: string) =>
        http.request({
          method: 'POST',
          path: '/auth/mfa/totp/enable',
          body: { code },
          schema: recoveryCodesSchema,
        }),
      disableTotp: (password: string) =>
        http.request({ method: 'DELETE', path: '/auth/mfa/totp', body: { password } }),
    },

    passkeys: {
      list: () =>
        http.request({ method: 'GET', path: '/auth/passkeys', schema: passkeyListSchema }),
      registrationOptions: () =>
        http.request({
          method: 'POST',
          path: '/auth/passkeys/registration-options',
          schema: passkeyRegistrationOptionsSchema,
        }),
      register: (body: RegisterPasskeyInput) =>
        http.request({ method: 'POST', path: '/auth/passkeys', body, schema: passkeySchema }),
      rename: (passkeyId: string, name: string) =>
        http.request({
          method: 'PATCH',
          path: `/auth/passkeys/${id(passkeyId)}`,
          body: { name },
          schema: passkeySchema,
        }),
      remove: (passkeyId: string) =>
        http.request({ method: 'DELETE', path: `/auth/passkeys/${id(passkeyId)}` }),
    },

    me: {
      get: () => http.request({ method: 'GET', path: '/users/me', schema: meSchema }),
      update: (body: UpdateMeInput) =>
        http.request({ method: 'PATCH', path: '/users/me', body, schema: userSchema }),
      changePassword: (body: ChangePasswordInput) =>
        http.request({ method: 'POST', path: '/users/me/password', body }),
    },

    users: {
      list: (params: ListUsersParams = {}) =>
        http.request({
          method: 'GET',
          path: '/users',
          query: { ...params },
          schema: userPageSchema,
        }),
      create: (body: CreateUserInput) =>
        http.request({ method: 'POST', path: '/users', body, schema: userSchema }),
      get: (userId: string) =>
        http.request({ method: 'GET', path: `/users/${id(userId)}`, schema: userSchema }),
      update: (userId: string, body: UpdateUserInput) =>
        http.request({ method: 'PATCH', path: `/users/${id(userId)}`, body, schema: userSchema }),
      remove: (userId: string) => http.request({ method: 'DELETE', path: `/users/${id(userId)}` }),
      /** Sets the password and ends every session; mustChange asks for a new one at sign-in. */
      resetPassword: (userId: string, body: ResetPasswordInput) =>
        http.request({ method: 'POST', path: `/users/${id(userId)}/password`, body }),
      resetMfa: (userId: string) =>
        http.request({ method: 'DELETE', path: `/users/${id(userId)}/mfa` }),
      listSessions: (userId: UserRef) =>
        http.request({
          method: 'GET',
          path: `/users/${id(userId)}/sessions`,
          schema: sessionListSchema,
        }),
      revokeSession: (userId: UserRef, sessionId: string) =>
        http.request({
          method: 'DELETE',
          path: `/users/${id(userId)}/sessions/${id(sessionId)}`,
        }),
      revokeAllSessions: (userId: UserRef) =>
        http.request({ method: 'DELETE', path: `/users/${id(userId)}/sessions` }),
      listPasskeys: (userId: string) =>
        http.request({
          method: 'GET',
          path: `/users/${id(userId)}/passkeys`,
          schema: passkeyListSchema,
        }),
      removePasskey: (userId: string, passkeyId: string) =>
        http.request({ method: 'DELETE', path: `/users/${id(userId)}/passkeys/${id(passkeyId)}` }),
      listPersonalAccessTokens: (userId: UserRef, params: ListCredentialsParams = {}) =>
        http.request({
          method: 'GET',
          path: `/users/${id(userId)}/personal-access-tokens`,
          query: { ...params },
          schema: personalAccessTokenListSchema,
        }),
      updatePersonalAccessToken: (userId: UserRef, tokenId: string, body: UpdateCredentialInput) =>
        http.request({
          method: 'PATCH',
          path: `/users/${id(userId)}/personal-access-tokens/${id(tokenId)}`,
          body,
          schema: personalAccessTokenSchema,
        }),
      /** A new token with the same name and scopes; the old one stops after `overlapSeconds`. */
      rotatePersonalAccessToken: (
        userId: UserRef,
        tokenId: string,
        body: RotatePersonalAccessTokenInput = {},
      ) =>
        http.request({
          method: 'POST',
          path: `/users/${id(userId)}/personal-access-tokens/${id(tokenId)}/rotate`,
          body,
          schema: personalAccessTokenCreatedSchema,
        }),
      revokePersonalAccessToken: (userId: UserRef, tokenId: string) =>
        http.request({
          method: 'DELETE',
          path: `/users/${id(userId)}/personal-access-tokens/${id(tokenId)}`,
        }),
    },

    personalAccessTokens: {
      list: (params: ListCredentialsParams = {}) =>
        http.request({
          method: 'GET',
          path: '/personal-access-tokens',
          query: { ...params },
          schema: personalAccessTokenListSchema,
        }),
      create: (body: CreatePersonalAccessTokenInput) =>
        http.request({
          method: 'POST',
          path: '/personal-access-tokens',
          body,
          schema: personalAccessTokenCreatedSchema,
        }),
      get: (tokenId: string) =>
        http.request({
          method: 'GET',
          path: `/personal-access-tokens/${id(tokenId)}`,
          schema: personalAccessTokenSchema,
        }),
      update: (tokenId: string, body: UpdateCredentialInput) =>
        http.request({
          method: 'PATCH',
          path: `/personal-access-tokens/${id(tokenId)}`,
          body,
          schema: personalAccessTokenSchema,
        }),
      /** A new token with the same name and scopes; the old one stops after `overlapSeconds`. */
      rotate: (tokenId: string, body: RotatePersonalAccessTokenInput = {}) =>
        http.request({
          method: 'POST',
          path: `/personal-access-tokens/${id(tokenId)}/rotate`,
          body,
          schema: personalAccessTokenCreatedSchema,
        }),
      revoke: (tokenId: string) =>
        http.request({ method: 'DELETE', path: `/personal-access-tokens/${id(tokenId)}` }),
    },

    apiToken: {
      get: (userId: UserRef = 'me') =>
        http.request({
          method: 'GET',
          path: `/users/${id(userId)}/api-token`,
          schema: apiTokenStateSchema,
        }),
      /** A new token; any earlier one stops working at once. */
      regenerate: (userId: UserRef = 'me') =>
        http.request({
          method: 'PUT',
          path: `/users/${id(userId)}/api-token`,
          schema: apiTokenCreatedSchema,
        }),
      disable: (userId: UserRef = 'me') =>
        http.request({ method: 'DELETE', path: `/users/${id(userId)}/api-token` }),
    },

    apiKeys: {
      list: (userId: UserRef = 'me', params: ListCredentialsParams = {}) =>
        http.request({
          method: 'GET',
          path: `/users/${id(userId)}/api-keys`,
          query: { ...params },
          schema: apiKeyListSchema,
        }),
      create: (userId: UserRef, body: CreateApiKeyInput) =>
        http.request({
          method: 'POST',
          path: `/users/${id(userId)}/api-keys`,
          body,
          schema: apiKeyCreatedSchema,
        }),
      update: (keyId: string, body: UpdateCredentialInput) =>
        http.request({
          method: 'PATCH',
          path: `/api-keys/${id(keyId)}`,
          body,
          schema: apiKeySchema,
        }),
      /** A new secret for the same key; the old one keeps working for `overlapSeconds`. */
      rotateSecret: (keyId: string, body: RotateApiKeySecretInput = {}) =>
        http.request({
          method: 'POST',
          path: `/api-keys/${id(keyId)}/secret`,
          body,
          schema: apiKeySecretSchema,
        }),
      revoke: (keyId: string) => http.request({ method: 'DELETE', path: `/api-keys/${id(keyId)}` }),
    },

    credentials: {
      /**
       * Reports leaked credentials of any kind (public, as GitHub's): every live one among them
       * stops at once. The answer is the same whatever was sent, so it says nothing back.
       */
      revoke: (credentials: string[]) =>
        http.request({
          method: 'POST',
          path: '/credentials/revoke',
          body: { credentials },
          authenticated: false,
        }),
    },

    audit: {
      list: (params: ListAuditEventsParams = {}) =>
        http.request({
          method: 'GET',
          path: '/audit-events',
          query: { ...params },
          schema: auditPageSchema,
        }),
    },

    /** The admin home: activity over a range (24h hourly, 7d and 30d daily) and credential counts. */
    overview: {
      get: (range: OverviewRange) =>
        http.request({
          method: 'GET',
          path: '/overview',
          query: { range },
          schema: overviewSchema,
        }),
    },

    signingKeys: {
      list: () =>
        http.request({ method: 'GET', path: '/signing-keys', schema: signingKeyListSchema }),
      rotate: () =>
        http.request({ method: 'POST', path: '/signing-keys/rotate', schema: signingKeySchema }),
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
