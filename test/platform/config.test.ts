import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/src/config.ts';

describe('configuration', () => {
  it('defaults to the embedded database with demo data and a 15-minute access token', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).to.equal(undefined);
    expect(config.seedDemo).to.equal(true);
    expect(config.accessTokenTtlSeconds).to.equal(900);
    expect(config.roles).to.deep.equal({ web: true, worker: true });
    expect(config.port).to.equal(undefined);
  });

  it('an external DATABASE_URL turns the demo seed off unless SEED_DEMO=1', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/hotline' }).seedDemo).to.equal(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/hotline', SEED_DEMO: '1' }).seedDemo).to.equal(true);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).to.equal(undefined);
  });

  const bad: [string, string][] = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['ACCESS_TOKEN_TTL_SECONDS', '3600'],
    ['JWT_SECRET', 'short'],
    ['SEED_DEMO', 'maybe'],
    ['PROCESS_ROLES', 'web,cron'],
    ['TIMEZONE', 'Mars/Olympus'],
    ['DEMO_PASSWORD', 'x'],
  ];
  for (const [name, value] of bad) {
    it(`refuses ${name}=${value} with one line naming the variable`, () => {
      let error: unknown;
      try {
        loadConfig({ [name]: value });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).to.include(name);
      expect(message).to.include(JSON.stringify(value));
      expect(message).to.match(/配置错误/);
      expect(message).to.match(/configuration error/);
      expect(message.split('\n')).to.have.length(1);
    });
  }
});
