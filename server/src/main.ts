/**
 * `npm start`: configuration → platform (database, migrations, demo seed, worker, HTTP + socket.io) → banner.
 * Ctrl-C (or SIGTERM) shuts down in order; a second Ctrl-C exits at once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './platform/logger.ts';
import { startPlatform, StartError, type Platform } from './server.ts';
import { demoUsers } from './seed/demo-data.ts';

export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const startedAt = performance.now();

  let platform: Platform;
  try {
    platform = await startPlatform(config, logger);
  } catch (error) {
    const message = error instanceof StartError ? error.message : `启动失败 (start failed): ${error instanceof Error ? error.message : String(error)}`;
    logger.error({ err: error }, 'start failed');
    console.error(message);
    process.exit(1);
  }

  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(path.join(config.dataDir, 'platform.json'), JSON.stringify({ url: platform.url, pid: process.pid }, null, 2));
  printBanner(config, platform, performance.now() - startedAt);

  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(130);
    console.log(`\n收到 ${signal}，正在停止… (stopping: finishing requests, stopping the worker and PostgreSQL)`);
    platform.stop().then(
      () => {
        console.log('已停止 (stopped)');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function printBanner(config: Config, platform: Platform, ms: number): void {
  const lines = [
    '',
    '  12345 政务服务便民热线平台已就绪 (the 12345 hotline platform is ready)',
    `  控制台 console:  ${platform.url ?? '(no web role in this process)'}`,
    `  接口文档 API:    ${platform.url ? `${platform.url}/api/docs` : '-'}`,
    `  数据库 database: ${platform.embedded ? `embedded PostgreSQL on port ${platform.embedded.port}, data in ${path.join(config.dataDir, 'postgres')}` : 'external (DATABASE_URL)'}`,
    `  启动用时 ready in ${(ms / 1000).toFixed(1)} s`,
  ];
  if (config.seedDemo) {
    const byRole = (role: string) => demoUsers.filter((u) => u.role === role).map((u) => u.username);
    const staff = byRole('department_staff');
    lines.push(
      '',
      `  演示账号 demo sign-ins — 密码 password: ${config.demoPassword}${process.env.DEMO_PASSWORD ? '' : '  (set DEMO_PASSWORD to change it)'}`,
      `    管理员 admin:        admin`,
      `    班长 supervisor:     supervisor`,
      `    审计 auditor:        auditor`,
      `    话务员 agents:       ${byRole('agent').join(', ')}`,
      `    部门人员 department: ${staff.slice(0, 6).join(', ')} … (${staff.length} in all, one or more per department)`,
    );
  }
  lines.push('', '  按 Ctrl-C 停止 (Ctrl-C to stop)', '');
  console.log(lines.join('\n'));
}

await main();
