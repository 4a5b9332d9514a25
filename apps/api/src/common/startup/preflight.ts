import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { StartupError, errnoOf } from './startup-error.js';

/** What a failed bind means, in the words of the variables that chose it. */
export function portProblem(error: unknown, host: string, port: number): StartupError | undefined {
  const cause = { cause: error };
  switch (errnoOf(error)) {
    case 'EADDRINUSE':
      return new StartupError(
        `PORT ${port} is already in use on ${host}. Stop the program that listens there, or set PORT to a free port (for example PORT=${port + 1}).`,
        cause,
      );
    case 'EACCES':
      return new StartupError(
        `PORT ${port} needs privileges this user does not have. Set PORT to 1024 or above.`,
        cause,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupError(
        `HOST ${host} is not an address of this machine. Set HOST to 0.0.0.0 (every interface) or 127.0.0.1.`,
        cause,
      );
    default:
      return undefined;
  }
}

/**
 * Binds HOST:PORT for a moment, before anything is created (database, first admin, signing
 * key, master key), so a taken port stops the start with nothing changed.
 */
export function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(portProblem(error, host, port) ?? error));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** DATA_DIR exists (created when missing) and this user can write to it. */
export async function assertDataDirUsable(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const reason =
      {
        EACCES: 'permission denied',
        EPERM: 'permission denied',
        EEXIST: 'it is a file, not a directory',
        ENOTDIR: 'a part of the path is a file, not a directory',
        EROFS: 'the file system is read-only',
      }[errnoOf(error) ?? ''] ?? (error as Error).message;
    throw new StartupError(
      `DATA_DIR ${dir} cannot be used: ${reason}. Set DATA_DIR to a directory the user ${userInfo().username} can write to, or fix its permissions.`,
      { cause: error },
    );
  }
}
