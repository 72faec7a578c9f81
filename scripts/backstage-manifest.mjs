#!/usr/bin/env node
// Writes a Backstage release manifest (the format of backstage/versions'
// v1/releases/<version>/manifest.json) from the npm registry: for every
// @backstage package this repository uses, its newest version (`latest`).
// For `BACKSTAGE_MANIFEST_FILE=... backstage-cli versions:bump` where the
// release's own manifest cannot be had; see "Bumping Backstage" in README.md.
// Usage: node scripts/backstage-manifest.mjs <release version> > manifest.json
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const [releaseVersion] = process.argv.slice(2);
if (!releaseVersion) {
  console.error('usage: backstage-manifest.mjs <release version>');
  process.exit(1);
}
const manifests = ['package.json'];
for (const dir of ['packages', 'plugins']) {
  for (const name of readdirSync(dir)) {
    const file = `${dir}/${name}/package.json`;
    if (existsSync(file)) manifests.push(file);
  }
}
const names = new Set();
for (const file of manifests) {
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  for (const type of ['dependencies', 'devDependencies', 'peerDependencies']) {
    for (const name of Object.keys(pkg[type] ?? {})) {
      if (name.startsWith('@backstage/')) names.add(name);
    }
  }
}
const packages = [...names].sort().map(name => ({
  name,
  version: execFileSync('npm', ['view', name, 'dist-tags.latest'], {
    encoding: 'utf8',
  }).trim(),
}));
process.stdout.write(
  `${JSON.stringify({ releaseVersion, packages }, null, 2)}\n`,
);
