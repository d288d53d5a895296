/**
 * Integration suites skip when their server's variable is absent, so that `npm test` works on a
 * laptop with nothing running. In CI (`REQUIRE_INFRA=1`, set by .ci/run) an absent variable fails
 * the run instead of silently skipping a suite.
 */
import t from 'tap';

const servers = ['EVENTSTORE_URL', 'MONGO_URL', 'KAFKA_BROKERS', 'AUTH_OIDC_ISSUER', 'SMTP_URL', 'MAILPIT_URL'] as const;

t.test('the real servers are configured when they are required', { skip: process.env['REQUIRE_INFRA'] !== '1' && 'REQUIRE_INFRA is not set' }, async (t) => {
  for (const variable of servers) t.ok(process.env[variable], `${variable} is set`);
});
