#!/usr/bin/env node
// Checks the dependencies of every publishable package under plugins/:
// - undeclared: shipped code, or the public type declarations that `yarn tsc`
//   wrote to dist-types/ (those reachable from the package's entry points:
//   inferred types name packages the source never imports), imports a package
//   that is not in dependencies or peerDependencies; a test imports one that
//   is declared nowhere;
// - unused: a dependency that shipped code and declarations never import
//   (remove it, or move it to devDependencies when only tests use it).
// Run `yarn tsc` first. Exits non-zero with one line per problem.
import { builtinModules } from 'node:module';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const builtins = new Set(builtinModules);
const TEST =
  /(\.test\.tsx?$|__testUtils__|__fixtures__|__mocks__|setupTests\.)/;
const NAME = /^(@[\w.-]+\/)?[\w.-]+$/;
const CODE = /\.(ts|tsx|js|cjs|mjs)$/;

function walk(dir) {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Every module specifier in a file, comments left out. */
function specifiersOf(file) {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap(pattern =>
    [...text.matchAll(pattern)].map(m => m[1]),
  );
}

/** The packages a file imports, by package name. */
function importsOf(file) {
  const names = new Set();
  for (const spec of specifiersOf(file)) {
    if (spec.startsWith('.') || spec.startsWith('node:')) continue;
    const parts = spec.split('/');
    const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    if (NAME.test(name) && !builtins.has(name)) names.add(name);
  }
  return names;
}

/** The declaration files reachable from the given ones by relative imports. */
function reachable(entries) {
  const seen = new Set();
  const queue = entries.filter(file => existsSync(file));
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of specifiersOf(file)) {
      if (!spec.startsWith('.')) continue;
      const base = join(dirname(file), spec).replace(/\.js$/, '');
      const found = [`${base}.d.ts`, join(base, 'index.d.ts')].find(existsSync);
      if (found) queue.push(found);
    }
  }
  return [...seen];
}

const problems = [];
for (const dir of readdirSync(join(root, 'plugins'))) {
  const pkgDir = join(root, 'plugins', dir);
  const pkgFile = join(pkgDir, 'package.json');
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  if (pkg.private) continue;
  const deps = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const devDeps = new Set(Object.keys(pkg.devDependencies ?? {}));
  const shipped = (pkg.files ?? [])
    .filter(entry => entry !== 'dist')
    .flatMap(entry => walk(join(pkgDir, entry)))
    .concat(walk(join(pkgDir, 'src')))
    .filter(file => CODE.test(file) && !file.endsWith('.d.ts'));
  const entries = Object.values(pkg.exports ?? { '.': pkg.main })
    .filter(entry => /\.tsx?$/.test(entry))
    .map(entry =>
      join(
        root,
        'dist-types',
        'plugins',
        dir,
        entry.replace(/\.tsx?$/, '.d.ts'),
      ),
    );
  const declarations = reachable(entries);
  if (declarations.length === 0) {
    problems.push(
      `${dir}: no declarations in dist-types/; run \`yarn tsc\` first`,
    );
  }
  const used = new Set();
  for (const file of [...shipped, ...declarations]) {
    const where = relative(root, file);
    const isTest = TEST.test(file);
    for (const name of importsOf(file)) {
      if (name === pkg.name) continue;
      if (!isTest) used.add(name);
      const declared = deps.has(name) || (isTest && devDeps.has(name));
      if (!declared) {
        const hint = devDeps.has(name) ? ' (only in devDependencies)' : '';
        problems.push(`${where}: imports undeclared ${name}${hint}`);
      }
    }
  }
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    if (!used.has(name)) {
      problems.push(
        `plugins/${dir}/package.json: dependency ${name} is not imported by shipped code (remove it, or move it to devDependencies if tests use it)`,
      );
    }
  }
}

for (const problem of [...new Set(problems)]) console.error(problem);
if (problems.length > 0) process.exit(1);
console.log('dependencies: ok');
