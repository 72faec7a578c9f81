#!/usr/bin/env node
// Does what a README's install step says, in an app's folder: the fenced
// blocks that follow `<!-- test-install: <step> -->` (up to the first
// paragraph of prose). `sh` blocks run as they are, with the backend's
// port in place of 7007; a `ts` block whose first line names a file,
// `// packages/backend/src/index.ts`, is added to it before `backend.start()`.
// Usage: node readme-steps.mjs <README.md> <step> <app folder> <port>
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [readme, step, appDir, port] = process.argv.slice(2);
const lines = readFileSync(readme, 'utf8').split('\n');
const start = lines.indexOf(`<!-- test-install: ${step} -->`);
if (start < 0) throw new Error(`${readme}: no "test-install: ${step}" marker`);

const blocks = [];
for (let i = start + 1; i < lines.length; i++) {
  if (lines[i].trim() === '') continue;
  const fence = lines[i].match(/^```(\w+)$/);
  if (!fence) break;
  const end = lines.indexOf('```', i + 1);
  blocks.push({ lang: fence[1], body: lines.slice(i + 1, end) });
  i = end;
}
if (blocks.length === 0) throw new Error(`${readme}: "${step}" has no blocks`);

for (const { lang, body } of blocks) {
  if (lang === 'sh') {
    const script = body
      .join('\n')
      .replaceAll('localhost:7007', `localhost:${port}`);
    console.log(`$ ${script.split('\n').join('\n  ')}`);
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: appDir,
      stdio: 'inherit',
    });
    if (run.status !== 0) throw new Error(`${readme}: "${step}" failed`);
  } else if (lang === 'ts') {
    const file = body[0].match(/^\/\/ (\S+)$/)?.[1];
    if (!file) throw new Error(`${readme}: a "${step}" ts block names no file`);
    const path = join(appDir, file);
    const code = body.slice(1).join('\n');
    const text = readFileSync(path, 'utf8');
    if (!text.includes('backend.start();'))
      throw new Error(`${path}: no backend.start()`);
    writeFileSync(
      path,
      text.replace('backend.start();', `${code}\n\nbackend.start();`),
    );
    console.log(`+ ${file}:\n  ${code.split('\n').join('\n  ')}`);
  } else {
    throw new Error(
      `${readme}: "${step}" has a ${lang} block; only sh and ts run`,
    );
  }
}
