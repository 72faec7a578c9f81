// The process runner's spawner: a small, long-lived child of the backend
// that starts the containers' processes for it. A fork of the backend
// (hundreds of MiB) holds its event loop for milliseconds per container; a
// fork of this small process is much cheaper, and happens off that loop.
//
// Plain JavaScript, run by `node` as it is (no build, no loader). Talks to
// src/runner/ForkedContainerSpawner.ts over the IPC channel (JSON):
//   in:  { type: 'spawn', id, file, args, cwd, env, uid?, gid?, stdin? }
//   out: { type: 'spawned', id, pid } | { type: 'output', id, fd, data }
//        { type: 'exit', id, code, signal } | { type: 'error', id, message }
//        { type: 'close', id }   (last message of a container)
//
// When the backend goes away, however it dies, the IPC channel closes and
// this process exits at once: the containers' stdin pipes, held here and
// never written to, close with it, and the containers' watchers kill them
// (src/runner/processTree.ts). Terminal signals (Ctrl-C reaches the whole
// process group) are ignored: the backend decides when runs stop.
'use strict';

const { spawn } = require('node:child_process');

/** Unsent messages above which the containers' output is paused. */
const HIGH_WATER = 512;

const outputs = new Set();
let unsent = 0;
let paused = false;

function send(message) {
  if (!process.connected) return;
  unsent++;
  process.send(message, undefined, undefined, () => {
    unsent--;
    if (paused && unsent === 0) {
      paused = false;
      for (const stream of outputs) stream.resume();
    }
  });
  if (!paused && unsent > HIGH_WATER) {
    paused = true;
    for (const stream of outputs) stream.pause();
  }
}

function start({ id, file, args, cwd, env, uid, gid, stdin }) {
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    send({ type: 'close', id });
  };
  let child;
  try {
    child = spawn(file, args, {
      cwd,
      env,
      uid,
      gid,
      detached: true, // its own process group, killed as a whole
      stdio: [stdin || 'pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    send({ type: 'error', id, message: error.message });
    close();
    return;
  }
  if (child.pid !== undefined) send({ type: 'spawned', id, pid: child.pid });
  if (child.stdin) child.stdin.on('error', () => {});
  for (const [fd, stream] of [
    [1, child.stdout],
    [2, child.stderr],
  ]) {
    outputs.add(stream);
    if (paused) stream.pause();
    stream.setEncoding('utf8');
    stream.on('data', data => send({ type: 'output', id, fd, data }));
    stream.on('close', () => outputs.delete(stream));
  }
  child.on('error', error => {
    send({ type: 'error', id, message: error.message });
    if (child.pid === undefined) close(); // it never started
  });
  child.on('exit', (code, signal) => send({ type: 'exit', id, code, signal }));
  child.on('close', close);
}

process.on('message', message => {
  if (message && message.type === 'spawn') start(message);
});
process.on('disconnect', () => process.exit(0));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {});
}
