#!/usr/bin/env node
// Launcher: Node >= 22.18 runs TypeScript directly; Node 22.12–22.17 needs the strip-types flag.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`ArFlow needs Node.js 22.12 or newer (this is ${process.version}).`);
  process.exit(1);
}
if (!process.features.typescript) {
  const result = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const { runCli } = await import(main);
process.exitCode = await runCli(process.argv.slice(2));
