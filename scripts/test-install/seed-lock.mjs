#!/usr/bin/env node
// Prints the entries of the given packages from a yarn.lock, as a seed for a
// new app's yarn.lock: Yarn keeps a seeded entry wherever the app asks for
// the same range, and resolves everything else afresh.
// Usage: node seed-lock.mjs <yarn.lock> <package>...
import { readFileSync } from 'node:fs';

const [lockFile, ...names] = process.argv.slice(2);
const blocks = readFileSync(lockFile, 'utf8').split(/\n\n/);
const seeded = blocks.filter(
  (block, i) =>
    i === 0 ||
    block.startsWith('__metadata:') ||
    names.some(name => block.startsWith(`"${name}@`)),
);
process.stdout.write(`${seeded.join('\n\n')}\n`);
