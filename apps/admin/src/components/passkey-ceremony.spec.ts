import { ipAddressProblem } from './passkey-ceremony';

describe('ipAddressProblem', () => {
  it.each(['127.0.0.1', '192.168.1.20', '[::1]', '::1'])(
    'names the cause and localhost as the way out at %s',
    (hostname) => {
      const message = ipAddressProblem(hostname) ?? '';
      expect(message).toContain(`IP address (${hostname})`);
      expect(message).toContain('http://localhost');
    },
  );

  it.each(['localhost', 'auth.example.com', '1password.example'])(
    'says nothing at %s',
    (hostname) => expect(ipAddressProblem(hostname)).toBeNull(),
  );
});
