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

/** "127.0.0.1", "[::1]", "192.168.1.20": a host that is an address, not a name. */
function isIpAddress(hostname: string): boolean {
  return (
    /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[') || hostname.includes(':')
  );
}

/**
 * WebAuthn takes a domain name as the relying-party ID and refuses an IP address (WebAuthn
 * Level 3, §5.1.3), so Latchkey opened at http://192.168.1.20 cannot make passkeys whatever else
 * is right. null when the host is a name.
 */
export function ipAddressProblem(hostname: string): string | null {
  if (!isIpAddress(hostname)) return null;
  return (
    `Passkeys do not work at an IP address (${hostname}): browsers accept only a domain name ` +
    'for them. Open Latchkey at a domain name (PUBLIC_URL), or at http://localhost on this machine.'
  );
}

/** What a failure of navigator.credentials.create() / .get() means for the person. */
function explain(lib: WebAuthn, error: unknown, creating: boolean): PasskeyError {
  const code = error instanceof lib.WebAuthnError ? error.code : undefined;
  const name = error instanceof Error ? error.name : '';
  const ipProblem = ipAddressProblem(window.location.hostname);
  if (ipProblem && (code === 'ERROR_INVALID_DOMAIN' || name === 'SecurityError'))
    return new PasskeyError(ipProblem);
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
