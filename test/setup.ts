import net from 'node:net';

/**
 * Loaded before every test file: any outbound connection to a non-loopback address fails the test at once,
 * so nothing in the suite can quietly depend on the network (or leak data to it).
 */
const originalConnect = net.Socket.prototype.connect;
function isLoopback(host: string | undefined): boolean {
  if (host === undefined || host === '') return true; // Node defaults to localhost
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host === '::ffff:127.0.0.1';
}
net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string; port?: number } | number | string | unknown[];
  let host: string | undefined;
  if (Array.isArray(first)) {
    const options = first[0] as { host?: string; path?: string };
    host = options?.path ? 'localhost' : options?.host;
  } else if (typeof first === 'object' && first !== null) {
    host = first.path ? 'localhost' : first.host;
  } else if (typeof first === 'number') {
    host = typeof args[1] === 'string' ? (args[1] as string) : undefined;
  } else if (typeof first === 'string') {
    host = 'localhost'; // a Unix socket path
  }
  if (!isLoopback(host)) {
    throw new Error(`Outbound network access is not allowed in tests (tried to connect to ${host})`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
