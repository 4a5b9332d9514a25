import { CreateUsers1763805600000 } from './1763805600000-CreateUsers.js';
import { CreateSessionsMfaAudit1763892000000 } from './1763892000000-CreateSessionsMfaAudit.js';
import { CreateMachineCredentials1763978400000 } from './1763978400000-CreateMachineCredentials.js';
import { CreatePasskeys1764064800000 } from './1764064800000-CreatePasskeys.js';
import { UserPasswordResetLastLogin1764151200000 } from './1764151200000-UserPasswordResetLastLogin.js';
import { OneCredentialsTable1764237600000 } from './1764237600000-OneCredentialsTable.js';
import { SessionReauthenticatedAt1764300000000 } from './1764300000000-SessionReauthenticatedAt.js';
import { UserLoginKey1764320000000 } from './1764320000000-UserLoginKey.js';
import { CredentialRestrictionAuthority1764330000000 } from './1764330000000-CredentialRestrictionAuthority.js';
import { UsageAggregates1764350000000 } from './1764350000000-UsageAggregates.js';
import { SecurityEvents1764360000000 } from './1764360000000-SecurityEvents.js';
import { ServiceAccounts1764360000001 } from './1764360000001-ServiceAccounts.js';

/** Every migration, oldest first. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [
  CreateUsers1763805600000,
  CreateSessionsMfaAudit1763892000000,
  CreateMachineCredentials1763978400000,
  CreatePasskeys1764064800000,
  UserPasswordResetLastLogin1764151200000,
  OneCredentialsTable1764237600000,
  SessionReauthenticatedAt1764300000000,
  UserLoginKey1764320000000,
  CredentialRestrictionAuthority1764330000000,
  UsageAggregates1764350000000,
  SecurityEvents1764360000000,
  ServiceAccounts1764360000001,
];
