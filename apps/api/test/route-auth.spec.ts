import { listRoutes } from '../src/common/auth/route-catalog.js';
import { useTestApp } from './support/test-app.js';

/**
 * Every route with what it asks of a caller. A change here is a permission change: review it,
 * do not just refresh the snapshot.
 */
describe('route authentication declarations', () => {
  const t = useTestApp();

  it('matches the reviewed list', () => {
    const lines = listRoutes(t.app).map((route) => {
      const needs = [
        ...(route.public
          ? ['public']
          : [
              'authenticated',
              ...(route.roles.length ? [`roles=${route.roles.join('|')}`] : []),
              ...(route.scopes.length ? [`scopes=${route.scopes.join(',')}`] : []),
              ...(route.othersScopes.length ? [`others=${route.othersScopes.join(',')}`] : []),
              ...(route.interactiveOnly ? ['interactive-only'] : []),
              ...(route.allowedWhilePasswordChange ? ['while-password-change'] : []),
              ...(route.recentAuth
                ? [
                    route.recentAuth.passwordField
                      ? `recent-auth|${route.recentAuth.passwordField}`
                      : 'recent-auth',
                  ]
                : []),
            ]),
        ...(route.ownPagesOnly ? ['own-pages-only'] : []),
      ].join(' ');
      return `${route.method.padEnd(6)} ${route.path.padEnd(32)} ${needs}`;
    });
    expect(lines).toMatchSnapshot();
  });
});
