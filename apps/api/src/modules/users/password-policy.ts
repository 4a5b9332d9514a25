import { Inject, Injectable } from '@nestjs/common';
import { dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MAX_LENGTH, type ValidationIssue } from '@latchkey/contracts';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';

/**
 * NIST SP 800-63B: a minimum length, a generous maximum, no composition rules, and no password
 * from a list of commonly used ones (the 49,000-entry list shipped with zxcvbn-ts).
 */
@Injectable()
export class PasswordPolicy {
  private readonly common = new Set(
    (dictionary['passwords-common'] as string[]).map((password) => password.toLowerCase()),
  );

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Why the password is refused, or nothing when it is acceptable. */
  check(
    password: string,
    field: string,
    context: { login?: string; email?: string } = {},
  ): ValidationIssue[] {
    const min = this.config.PASSWORD_MIN_LENGTH;
    const length = [...password].length;
    if (length < min) return [{ field, message: `Password must be at least ${min} characters` }];
    if (length > PASSWORD_MAX_LENGTH) {
      return [{ field, message: `Password must be at most ${PASSWORD_MAX_LENGTH} characters` }];
    }
    const lowered = password.toLowerCase();
    if (this.common.has(lowered)) {
      return [
        { field, message: 'Password is on the list of commonly used passwords; choose another' },
      ];
    }
    if (
      (context.login && lowered === context.login.toLowerCase()) ||
      (context.email && lowered === context.email.toLowerCase())
    ) {
      return [{ field, message: 'Password may not be the login or the email' }];
    }
    return [];
  }
}
