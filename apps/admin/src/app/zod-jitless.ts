import { config } from 'zod/v4/core';

/**
 * Zod compiles a fast object parser with `new Function`, after probing whether eval is allowed.
 * The server's Content-Security-Policy has no 'unsafe-eval', so the probe fires a
 * securitypolicyviolation on every page. Jitless skips the probe and the compiled path; it must
 * run before the first schema is built, so main.tsx imports this module first.
 */
config({ jitless: true });
