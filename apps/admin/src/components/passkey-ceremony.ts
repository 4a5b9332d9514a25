import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import type {
  AuthenticationResponse,
  PasskeyAuthenticationOptions,
  PasskeyRegistrationOptions,
  RegistrationResponse,
} from '@latchkey/contracts';

/** A passkey ceremony that did not complete, with what to tell the person. */
export class PasskeyError extends Error {
  constructor(
    message: string,
    /** The person closed the browser's dialog or it timed out: nothing went wrong. */
    readonly cancelled = false,
  ) {
    super(message);
    this.name = 'PasskeyError';
  }
}

/** The WebAuthn library, in its own chunk: the login page's first paint does not wait for it. */
const webauthn = () => import('@simplewebauthn/browser');
type WebAuthn = Awaited<ReturnType<typeof webauthn>>;

const NO_WEBAUTHN =
  'This browser cannot use passkeys. Use a current browser, or sign in with your password.';

/** What a failure of navigator.credentials.create() / .get() means for the person. */
function explain(lib: WebAuthn, error: unknown, creating: boolean): PasskeyError {
  const code = error instanceof lib.WebAuthnError ? error.code : undefined;
  const name = error instanceof Error ? error.name : '';
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED')
    return new PasskeyError('This device already holds a passkey for your account.');
  if (code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError')
    return new PasskeyError('The passkey request was cancelled.', true);
  if (name === 'NotAllowedError')
    return new PasskeyError(
      creating
        ? 'No passkey was created: the request was cancelled, timed out, or no authenticator is available.'
        : 'No passkey was used: the request was cancelled, timed out, or this device has no passkey for this site.',
      true,
    );
  if (name === 'NotSupportedError' || name === 'SecurityError')
    return new PasskeyError(
      'Passkeys do not work on this page: open Latchkey at its configured address (PUBLIC_URL).',
    );
  if (code === 'ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT')
    return new PasskeyError('This authenticator cannot store a passkey: use another one.');
  return new PasskeyError(error instanceof Error ? error.message : 'The passkey did not work.');
}

/**
 * Creates a passkey with the browser's authenticator. The options were validated by the
 * contract schema; the library's DOM types only spell the same strings as narrower unions.
 */
export async function createPasskey(
  options: PasskeyRegistrationOptions,
): Promise<RegistrationResponse> {
  const lib = await webauthn();
  if (!lib.browserSupportsWebAuthn()) throw new PasskeyError(NO_WEBAUTHN);
  try {
    const response = await lib.startRegistration({
      optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON,
    });
    return { ...response, clientExtensionResults: { ...response.clientExtensionResults } };
  } catch (error) {
    throw explain(lib, error, true);
  }
}

/** Signs the challenge with a passkey; `autofill` waits for the person to pick one in the login field. */
export async function signWithPasskey(
  options: PasskeyAuthenticationOptions,
  autofill = false,
): Promise<AuthenticationResponse> {
  const lib = await webauthn();
  if (!lib.browserSupportsWebAuthn()) throw new PasskeyError(NO_WEBAUTHN);
  try {
    const response = await lib.startAuthentication({
      optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON,
      useBrowserAutofill: autofill,
    });
    return { ...response, clientExtensionResults: { ...response.clientExtensionResults } };
  } catch (error) {
    throw explain(lib, error, false);
  }
}

/** Whether the login field can offer passkeys (WebAuthn conditional mediation). */
export async function supportsPasskeyAutofill(): Promise<boolean> {
  const lib = await webauthn();
  return lib.browserSupportsWebAuthn() ? lib.browserSupportsWebAuthnAutofill() : false;
}

/** Ends a pending autofill request, e.g. when the login page goes away. */
export function cancelPasskeyRequest(): void {
  void webauthn().then((lib) => lib.WebAuthnAbortService.cancelCeremony());
}
