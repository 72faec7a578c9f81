// What the benches share: quantiles, printing a figure beside its target,
// and a free port for a server.
import net from 'node:net';

export const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

export const ms = (n: number) => `${n.toFixed(1)} ms`;

export function report(
  name: string,
  value: string,
  target: string,
  ratio: string,
) {
  console.log(
    `  ${name.padEnd(44)} ${value.padStart(10)}  target ${target.padEnd(
      22,
    )} ${ratio}`,
  );
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}
