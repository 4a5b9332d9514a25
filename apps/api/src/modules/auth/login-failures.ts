import { Inject, Injectable } from '@nestjs/common';
import { normaliseLogin } from '@latchkey/contracts';
import type { RequestContext } from '../../common/auth/request-context.js';
import { SecretBox } from '../../common/crypto/secret-box.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../users/users.service.js';

/**
 * Audits a refused password. People type passwords into login fields, so the login typed is kept
 * only when it names a user (then as that user); anything else is kept as a keyed hash, which
 * tells repeated attempts with one string apart from others without revealing it.
 */
@Injectable()
export class LoginFailures {
  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {}

  async record(
    login: string,
    context: RequestContext,
    method: 'password' | 'basic',
  ): Promise<void> {
    const user = await this.users.findByLogin(login);
    await this.audit.record('login.failed', {
      subject: user ? { id: user.id, login: user.login } : null,
      context,
      details: user
        ? { login: user.login, method }
        : {
            login: null,
            unknownLogin: this.box.mac(normaliseLogin(login), 'audit-login').slice(0, 16),
            method,
          },
    });
  }
}
