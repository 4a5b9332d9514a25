import { CreateUsers1763805600000 } from './1763805600000-CreateUsers.js';
import { CreateSessionsMfaAudit1763892000000 } from './1763892000000-CreateSessionsMfaAudit.js';
import { CreateMachineCredentials1763978400000 } from './1763978400000-CreateMachineCredentials.js';
import { CreatePasskeys1764064800000 } from './1764064800000-CreatePasskeys.js';
import { UserPasswordResetLastLogin1764151200000 } from './1764151200000-UserPasswordResetLastLogin.js';
import { OneCredentialsTable1764237600000 } from './1764237600000-OneCredentialsTable.js';
import { SessionReauthenticatedAt1764300000000 } from './1764300000000-SessionReauthenticatedAt.js';

/** Every migration, oldest first. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [
  CreateUsers1763805600000,
  CreateSessionsMfaAudit1763892000000,
  CreateMachineCredentials1763978400000,
  CreatePasskeys1764064800000,
  UserPasswordResetLastLogin1764151200000,
  OneCredentialsTable1764237600000,
  SessionReauthenticatedAt1764300000000,
];
