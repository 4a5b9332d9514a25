import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, type Repository } from 'typeorm';
import { normaliseLogin, type ListUsersQuery, type Role, type UserSort } from '@latchkey/contracts';
import { UserEntity } from './user.entity.js';

export class UniqueViolation extends Error {
  constructor(readonly field: 'login' | 'email') {
    super(`${field} is already taken`);
  }
}

export type NewUser = Pick<
  UserEntity,
  'login' | 'email' | 'displayName' | 'passwordHash' | 'roles'
> &
  Partial<Pick<UserEntity, 'passwordMustChange' | 'kind'>>;
export type UserChanges = Partial<
  Pick<
    UserEntity,
    | 'email'
    | 'displayName'
    | 'roles'
    | 'disabledAt'
    | 'passwordHash'
    | 'passwordChangedAt'
    | 'passwordMustChange'
    | 'lastLoginAt'
    | 'totpSecretSealed'
    | 'totpPendingSecretSealed'
    | 'totpEnabledAt'
    | 'totpLastStep'
  >
>;

/** Column and direction of each sort key; never-signed-in users come last either way. */
const SORT_ORDER: Record<UserSort, [string, 'ASC' | 'DESC']> = {
  login: ['lower(user.login)', 'ASC'],
  '-login': ['lower(user.login)', 'DESC'],
  createdAt: ['user.created_at', 'ASC'],
  '-createdAt': ['user.created_at', 'DESC'],
  lastLoginAt: ['user.last_login_at', 'ASC'],
  '-lastLoginAt': ['user.last_login_at', 'DESC'],
};

/** The only place that talks to the users table. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** By login, compared in its normalised form (the same as failure counters use). */
  findByLogin(login: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ loginKey: normaliseLogin(login) });
  }

  async search({
    kind,
    q,
    role,
    disabled,
    sort,
    page,
    pageSize,
  }: ListUsersQuery): Promise<[UserEntity[], number]> {
    const [column, direction] = SORT_ORDER[sort];
    const query = this.users
      .createQueryBuilder('user')
      .orderBy(column, direction, 'NULLS LAST')
      // Ties (users never signed in) by login; TypeORM keys orders by expression, hence no lower().
      .addOrderBy('user.login', 'ASC')
      .addOrderBy('user.id', 'ASC');
    if (q) {
      const pattern = `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      query.andWhere(
        '(user.login ILIKE :pattern OR user.email ILIKE :pattern OR user.display_name ILIKE :pattern)',
        { pattern },
      );
    }
    if (kind !== 'all') query.andWhere('user.kind = :kind', { kind });
    if (role) query.andWhere(':role = ANY(user.roles)', { role });
    if (disabled !== undefined)
      query.andWhere(disabled ? 'user.disabled_at IS NOT NULL' : 'user.disabled_at IS NULL');
    return query
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
  }

  count(): Promise<number> {
    return this.users.count();
  }

  /** Admins that can still sign in, leaving out the one given. */
  countOtherActiveAdmins(exceptId: string): Promise<number> {
    return this.users
      .createQueryBuilder('user')
      .where(':role = ANY(user.roles)', { role: 'admin' satisfies Role })
      .andWhere('user.disabled_at IS NULL')
      .andWhere('user.id <> :exceptId', { exceptId })
      .getCount();
  }

  async insert(user: NewUser): Promise<UserEntity> {
    try {
      return await this.users.save(
        this.users.create({
          passwordMustChange: false,
          ...user,
          loginKey: normaliseLogin(user.login),
          disabledAt: null,
          passwordChangedAt: new Date(),
          lastLoginAt: null,
          totpSecretSealed: null,
          totpPendingSecretSealed: null,
          totpEnabledAt: null,
          totpLastStep: null,
        }),
      );
    } catch (error) {
      throw translateUniqueViolation(error);
    }
  }

  async update(id: string, changes: UserChanges): Promise<UserEntity | null> {
    try {
      await this.users.update({ id }, changes);
    } catch (error) {
      throw translateUniqueViolation(error);
    }
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.users.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}

function translateUniqueViolation(error: unknown): unknown {
  if (error instanceof QueryFailedError) {
    const driverError = error.driverError as { code?: string; constraint?: string };
    if (driverError.code === '23505') {
      return new UniqueViolation(
        driverError.constraint === 'users_email_unique' ? 'email' : 'login',
      );
    }
  }
  return error;
}
