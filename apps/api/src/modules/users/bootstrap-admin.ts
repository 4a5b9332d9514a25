import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ProblemException } from '../../common/problem/problem.exception.js';
import { generatePassword, UsersService } from './users.service.js';

/** On the first start (no user at all), creates the admin from BOOTSTRAP_ADMIN_*. */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdmin.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(UsersService) private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) {
      this.logger.log(
        `Users exist already. Lost the admin password? Stop the server and run npm run -s cli -- reset-password --user ${this.config.BOOTSTRAP_ADMIN_LOGIN}`,
      );
      return;
    }
    const supplied = this.config.BOOTSTRAP_ADMIN_PASSWORD;
    const password = supplied ?? generatePassword();
    try {
      await this.users.create({
        login: this.config.BOOTSTRAP_ADMIN_LOGIN,
        email: this.config.BOOTSTRAP_ADMIN_EMAIL,
        displayName: 'Administrator',
        password,
        roles: ['admin'],
      });
    } catch (error) {
      // Another instance starting on the same database created it first.
      if (error instanceof ProblemException && error.problem.code === 'conflict') return;
      throw new Error(
        `BOOTSTRAP_ADMIN_PASSWORD or BOOTSTRAP_ADMIN_LOGIN is not acceptable: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
    // The box says it too, and nothing else may push it off a small terminal before the URL.
    if (supplied) this.logger.log(`Created the first admin "${this.config.BOOTSTRAP_ADMIN_LOGIN}"`);
    else printGeneratedPassword(this.config.BOOTSTRAP_ADMIN_LOGIN, password);
  }
}

function describe(error: unknown): string {
  const problem = (error as { problem?: { detail?: string } }).problem;
  return problem?.detail ?? (error instanceof Error ? error.message : String(error));
}

/** Written straight to the terminal, once, outside the structured logs. */
function printGeneratedPassword(login: string, password: string): void {
  const lines = [
    'Latchkey created the first admin. This password is shown only once:',
    '',
    `  login:    ${login}`,
    `  password: ${password}`,
    '',
    'Sign in and change it, or set BOOTSTRAP_ADMIN_PASSWORD before the first start.',
  ];
  const width = Math.max(...lines.map((line) => line.length)) + 2;
  const border = `+${'-'.repeat(width)}+`;
  process.stdout.write(
    `\n${border}\n${lines.map((line) => `| ${line.padEnd(width - 1)}|`).join('\n')}\n${border}\n\n`,
  );
}
