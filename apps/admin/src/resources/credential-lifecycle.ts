import type { UpdateCredentialInput } from '@latchkey/contracts';

/** What every credential kind's PATCH takes: the item as listed, and what changes. */
export interface CredentialUpdate<T> {
  credential: T;
  changes: UpdateCredentialInput;
}

/** What every credential kind's rotation takes: how long the old secret keeps working. */
export interface CredentialRotation<T> {
  credential: T;
  overlapSeconds: number;
}
