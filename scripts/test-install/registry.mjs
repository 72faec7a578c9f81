#!/usr/bin/env node
// A minimal npm registry that serves the packed tarballs of a folder (what
// `npm publish` would have put on the registry), for the install test.
// Usage: node registry.mjs <folder of .tgz> <port>
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [folder, port] = process.argv.slice(2);
// Published long ago, as far as Yarn's npmMinimalAgeGate is concerned.
const PUBLISHED = '2020-01-01T00:00:00.000Z';
const packages = new Map();
for (const file of readdirSync(folder).filter(f => f.endsWith('.tgz'))) {
  const tarball = readFileSync(join(folder, file));
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', join(folder, file), 'package/package.json']),
  );
  packages.set(manifest.name, { manifest, tarball, file });
}

createServer((req, res) => {
  const url = decodeURIComponent(req.url.split('?')[0]).slice(1);
  const tarballOf = [...packages.values()].find(p =>
    url.endsWith(`/-/${p.file}`),
  );
  if (tarballOf) {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(tarballOf.tarball);
    return;
  }
  const pkg = packages.get(url);
  if (!pkg) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
    return;
  }
  const { manifest, tarball, file } = pkg;
  const version = manifest.version;
  const digest = algorithm => createHash(algorithm).update(tarball);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      name: manifest.name,
      'dist-tags': { latest: version },
      time: { created: PUBLISHED, modified: PUBLISHED, [version]: PUBLISHED },
      versions: {
        [version]: {
          ...manifest,
          dist: {
            tarball: `http://127.0.0.1:${port}/${manifest.name}/-/${file}`,
            shasum: digest('sha1').digest('hex'),
            integrity: `sha512-${digest('sha512').digest('base64')}`,
          },
        },
      },
    }),
  );
}).listen(Number(port), '127.0.0.1');
