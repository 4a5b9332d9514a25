import { ApiError } from '@latchkey/api-client';
import type { AccessTokenResponse, User } from '@latchkey/contracts';

export interface Session {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  user: User;
  /** An admin reset the password with "must change": nothing else works until it is changed. */
  passwordChangeRequired: boolean;
}

/**
 * Why there is no session: never had one here, logged out, the server ended it, or the server
 * refused the refresh outright (403: a foreign Origin), with its problem detail.
 */
export type SignedOutReason = 'none' | 'logout' | 'expired' | 'refused';

export type SessionState =
  | { status: 'unknown' }
  | { status: 'signed-in'; session: Session }
  | { status: 'signed-out'; reason: SignedOutReason; detail?: string };

type ChannelMessage =
  | { type: 'session'; response: AccessTokenResponse; receivedAt: number }
  | { type: 'signed-out'; reason: SignedOutReason };

export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface LocksLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/**
 * A marker (never a token) that this browser signed in here: a dead session then gets a note,
 * and a first visit skips the refresh call that could only answer 401 (a console error).
 */
export interface MarkerStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface RefreshCoordinatorOptions {
  /** POST /auth/refresh: spends the refresh cookie. */
  refresh: () => Promise<AccessTokenResponse>;
  /** Web Locks (navigator.locks): one refresh at a time across every tab of the origin. */
  locks?: LocksLike;
  /** BroadcastChannel: tabs share the new access token and hear about logouts. */
  channel?: ChannelLike;
  marker?: MarkerStore;
  now?: () => number;
  /** Refresh this long before the access token expires (at most half its lifetime). */
  leadTimeMs?: number;
}

const LOCK_NAME = 'latchkey-refresh';
const MARKER_KEY = 'latchkey.had-session';

/**
 * Holds the access token in memory and keeps it fresh: a timer refreshes it shortly before it
 * expires, a 401 refreshes it on demand, and concurrent requests for a refresh (in this tab or
 * another) share one POST /auth/refresh.
 */
export class RefreshCoordinator {
  private state: SessionState = { status: 'unknown' };
  private readonly listeners = new Set<() => void>();
  private inflight: Promise<Session> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on every new session, so a tab that waited for the lock sees another tab's refresh. */
  private generation = 0;
  private readonly now: () => number;
  private readonly leadTimeMs: number;

  constructor(private readonly options: RefreshCoordinatorOptions) {
    this.now = options.now ?? Date.now;
    this.leadTimeMs = options.leadTimeMs ?? 60_000;
    options.channel?.addEventListener('message', (event) =>
      this.receive(event.data as ChannelMessage),
    );
  }

  getState = (): SessionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get accessToken(): string | null {
    return this.state.status === 'signed-in' ? this.state.session.accessToken : null;
  }

  /** A login (password or MFA step) succeeded. */
  signIn(response: AccessTokenResponse): Session {
    const session = this.adopt(response, this.now());
    this.broadcast({ type: 'session', response, receivedAt: this.now() });
    return session;
  }

  /** The first look on page load: is there a refresh cookie that still works? */
  async restore(): Promise<void> {
    // Never signed in from this browser (or signed out since): no cookie to try.
    if (this.options.marker && !this.hadSession()) return this.end('none');
    await this.refresh().catch(() => undefined);
  }

  /** A fresh access token; concurrent callers share one refresh, across tabs too. */
  refresh(): Promise<Session> {
    this.inflight ??= this.refreshOnce().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** Forget the session here and in every other tab (after POST /auth/logout, or a dead one). */
  signOut(reason: SignedOutReason): void {
    this.end(reason);
    this.broadcast({ type: 'signed-out', reason });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.options.channel?.close();
    this.listeners.clear();
  }

  private async refreshOnce(): Promise<Session> {
    const generation = this.generation;
    const run = async (): Promise<Session> => {
      // Another tab refreshed while this one waited for the lock: its token is ours too.
      if (this.generation !== generation && this.state.status === 'signed-in')
        return this.state.session;
      const requestedAt = this.now();
      try {
        const response = await this.options.refresh();
        this.broadcast({ type: 'session', response, receivedAt: requestedAt });
        return this.adopt(response, requestedAt);
      } catch (error) {
        // 403 is not an ended session but a refusal the person must read (the server says why).
        if (error instanceof ApiError && error.status === 403)
          this.end('refused', error.problem.detail);
        else if (error instanceof ApiError && error.status === 401)
          this.end(this.hadSession() ? 'expired' : 'none');
        // No answer (offline, or the page unloading mid-request): nothing is known about the
        // session, so the marker stays for the next load to try again.
        else if (this.state.status === 'unknown')
          this.set({ status: 'signed-out', reason: 'none' });
        throw error;
      }
    };
    return this.options.locks ? this.options.locks.request(LOCK_NAME, run) : run();
  }

  private receive(message: ChannelMessage): void {
    if (message.type === 'session') this.adopt(message.response, message.receivedAt);
    else this.end(message.reason);
  }

  private adopt(response: AccessTokenResponse, receivedAt: number): Session {
    const session: Session = {
      accessToken: response.access_token,
      expiresAt: receivedAt + response.expires_in * 1000,
      user: response.user,
      passwordChangeRequired: response.password_change_required === true,
    };
    this.generation += 1;
    this.options.marker?.setItem(MARKER_KEY, '1');
    this.schedule(response.expires_in * 1000, session.expiresAt);
    this.set({ status: 'signed-in', session });
    return session;
  }

  private end(reason: SignedOutReason, detail?: string): void {
    clearTimeout(this.timer);
    this.options.marker?.removeItem(MARKER_KEY);
    this.set(detail ? { status: 'signed-out', reason, detail } : { status: 'signed-out', reason });
  }

  private hadSession(): boolean {
    return this.state.status === 'signed-in' || this.options.marker?.getItem(MARKER_KEY) === '1';
  }

  private schedule(lifetimeMs: number, expiresAt: number): void {
    clearTimeout(this.timer);
    const lead = Math.min(this.leadTimeMs, lifetimeMs / 2);
    const delay = Math.max(0, expiresAt - lead - this.now());
    this.timer = setTimeout(() => void this.refresh().catch(() => undefined), delay);
  }

  private broadcast(message: ChannelMessage): void {
    this.options.channel?.postMessage(message);
  }

  private set(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}
