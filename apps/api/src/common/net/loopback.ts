/** The names browsers treat as this machine (RFC 6761 `localhost`, 127.0.0.0/8, ::1). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127(?:\.\d{1,3}){3}$/.test(host)
  );
}

/** The loopback names one page may be opened under, all meaning the same server. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The origin of `url`, and when its host is a loopback name, the same scheme and port under
 * localhost, 127.0.0.1 and [::1] too: a page opened at any of them is this site.
 */
export function originsOf(url: string): string[] {
  const parsed = new URL(url);
  if (!isLoopbackHost(parsed.hostname)) return [parsed.origin];
  const variants = LOOPBACK_NAMES.map((name) => {
    const variant = new URL(parsed.origin);
    variant.hostname = name;
    return variant.origin;
  });
  return [...new Set([parsed.origin, ...variants])];
}
