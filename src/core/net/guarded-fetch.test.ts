import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type LocalTlsServer, startLocalTlsServer } from '../../../test/fixtures/vc/local-tls.ts';
import {
  createGuardedFetch,
  type GuardedFetchOptions,
  type HostLookup,
  isPublicAddress,
  parseIpv6,
  RemoteFetchError,
  type RemoteFetchErrorCode,
} from './guarded-fetch.ts';

const NAME = 'issuer.example';

async function expectRefusal(
  promise: Promise<unknown>,
  code: RemoteFetchErrorCode,
): Promise<RemoteFetchError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RemoteFetchError, `expected a RemoteFetchError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.ok(error.message.length > 0);
    return error;
  }
  assert.fail(`expected a ${code} refusal`);
}

/** A DNS stand-in: fixed answers per name, and a count of questions asked. */
function fakeLookup(answers: Record<string, string[]>): HostLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    const addresses = answers[hostname];
    if (!addresses) throw new Error(`ENOTFOUND ${hostname}`);
    return addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
  };
  return Object.assign(lookup, { calls });
}

describe('isPublicAddress', () => {
  const refused = [
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '192.0.0.8',
    '192.0.2.10',
    '198.18.0.1',
    '198.19.255.255',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:192.168.1.1',
    '::127.0.0.1',
    '64:ff9b::10.0.0.1',
    '64:ff9b::7f00:1',
    '64:ff9b:1::1',
    '100::1',
    '2001:db8::1',
    '2001::1',
    '2001:2::1',
    '2002:7f00:1::1',
    '3fff::1',
    'not-an-address',
    '',
  ];
  for (const address of refused) {
    test(`refuses ${address || '(empty)'}`, () => assert.equal(isPublicAddress(address), false));
  }
  const allowed = [
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '2a00:1450:4001::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ];
  for (const address of allowed) {
    test(`allows ${address}`, () => assert.equal(isPublicAddress(address), true));
  }

  test('parses IPv6 forms into the same bytes', () => {
    const hex = (value: string) => Buffer.from(parseIpv6(value) as Uint8Array).toString('hex');
    assert.equal(hex('::ffff:127.0.0.1'), hex('::ffff:7f00:1'));
    assert.equal(hex('0:0:0:0:0:ffff:7f00:0001'), hex('::ffff:7f00:1'));
    assert.equal(hex('::1'), '00000000000000000000000000000001');
    assert.equal(parseIpv6('1::2::3'), undefined);
    assert.equal(parseIpv6('1:2:3:4:5:6:7:8:9'), undefined);
    assert.equal(parseIpv6('::ffff:300.0.0.1'), undefined);
  });
});

describe('createGuardedFetch: refusals before any connection', () => {
  let server: LocalTlsServer;
  before(async () => {
    server = await startLocalTlsServer([NAME], (_request, response) => response.end('{}'));
  });
  after(() => server.close());

  const options = (extra: Partial<GuardedFetchOptions> = {}): GuardedFetchOptions => ({
    timeoutMs: 2000,
    maxBytes: 10_000,
    ca: server.cert,
    ...extra,
  });

  test('only https: http://, ftp:, file: and data: URLs are refused', async () => {
    const fetch = createGuardedFetch(options({ lookup: fakeLookup({ [NAME]: ['93.184.216.34'] }) }));
    await expectRefusal(fetch(`http://${NAME}/did.json`, '*/*'), 'scheme_not_allowed');
    await expectRefusal(fetch(`ftp://${NAME}/did.json`, '*/*'), 'scheme_not_allowed');
    await expectRefusal(fetch('file:///etc/passwd', '*/*'), 'scheme_not_allowed');
    await expectRefusal(fetch('data:application/json,{}', '*/*'), 'scheme_not_allowed');
  });

  test('malformed URLs, user info and privileged non-default ports are refused', async () => {
    const lookup = fakeLookup({ [NAME]: ['93.184.216.34'] });
    const fetch = createGuardedFetch(options({ lookup }));
    await expectRefusal(fetch('not a url', '*/*'), 'invalid_url');
    await expectRefusal(fetch(`https://user:secret@${NAME}/`, '*/*'), 'credentials_in_url');
    await expectRefusal(fetch(`https://user@${NAME}/`, '*/*'), 'credentials_in_url');
    await expectRefusal(fetch(`https://${NAME}:22/`, '*/*'), 'port_not_allowed');
    await expectRefusal(fetch(`https://${NAME}:25/`, '*/*'), 'port_not_allowed');
    assert.deepEqual(lookup.calls, [], 'refused before DNS');
  });

  const literals = [
    'https://127.0.0.1/',
    'https://127.0.0.1:8443/',
    'https://[::1]/',
    'https://10.0.0.1/',
    'https://10.20.30.40/',
    'https://172.16.0.1/',
    'https://172.20.1.1/',
    'https://192.168.1.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://[fe80::1]/',
    'https://[fc00::1]/',
    'https://[fd00::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:169.254.169.254]/',
    'https://0.0.0.0/',
    'https://[::]/',
    'https://100.64.0.1/',
    'https://2130706433/', // 127.0.0.1 as one decimal number
    'https://0x7f.1/', // 127.0.0.1 in hex shorthand
    'https://017700000001/', // 127.0.0.1 in octal
    'https://[64:ff9b::a9fe:a9fe]/', // 169.254.169.254 through NAT64
    'https://192.0.2.1/',
    'https://198.18.0.1/',
    'https://224.0.0.1/',
  ];
  for (const url of literals) {
    test(`refuses the address literal ${url}`, async () => {
      const lookup = fakeLookup({});
      const fetch = createGuardedFetch(options({ lookup }));
      await expectRefusal(fetch(url, 'application/json'), 'address_not_allowed');
      assert.deepEqual(lookup.calls, []);
    });
  }

  test('refuses localhost and single-label names without asking DNS', async () => {
    const lookup = fakeLookup({ localhost: ['93.184.216.34'], intranet: ['93.184.216.34'] });
    const fetch = createGuardedFetch(options({ lookup }));
    for (const host of ['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'intranet']) {
      await expectRefusal(fetch(`https://${host}/did.json`, '*/*'), 'address_not_allowed');
    }
    assert.deepEqual(lookup.calls, []);
  });

  test('refuses names that resolve to private, loopback or link-local addresses, and connects nowhere', async () => {
    const answers: Record<string, string[]> = {
      'loopback.example': ['127.0.0.1'],
      'ten.example': ['10.1.2.3'],
      'one-seven-two.example': ['172.16.9.9'],
      'one-nine-two.example': ['192.168.0.10'],
      'metadata.example': ['169.254.169.254'],
      'v6-loopback.example': ['::1'],
      'v6-link-local.example': ['fe80::1'],
      'v6-ula.example': ['fc00::1'],
      'mapped.example': ['::ffff:127.0.0.1'],
      'cgnat.example': ['100.64.1.1'],
      'zero.example': ['0.0.0.0'],
      // One public and one private answer: refused, whichever a connection would have used.
      'mixed.example': ['93.184.216.34', '10.0.0.7'],
      'mixed-v6.example': ['2606:4700::1111', 'fd00::7'],
    };
    const lookup = fakeLookup(answers);
    const fetch = createGuardedFetch(options({ lookup }));
    const before = server.connections();
    for (const name of Object.keys(answers)) {
      const error = await expectRefusal(
        fetch(`https://${name}:${server.port}/did.json`, '*/*'),
        'address_not_allowed',
      );
      assert.match(error.message, /not a public address/);
    }
    assert.equal(server.connections(), before, 'no connection was opened');
  });

  test('DNS failures and empty answers are dns_failed', async () => {
    const fetch = createGuardedFetch(options({ lookup: fakeLookup({ 'empty.example': [] }) }));
    await expectRefusal(fetch('https://missing.example/', '*/*'), 'dns_failed');
    await expectRefusal(fetch('https://empty.example/', '*/*'), 'dns_failed');
  });

  test('a DNS answer that never comes hits the deadline', async () => {
    const fetch = createGuardedFetch(options({ timeoutMs: 100, lookup: () => new Promise(() => undefined) }));
    await expectRefusal(fetch('https://slow-dns.example/', '*/*'), 'timeout');
  });

  test('rejects nonsensical limits', () => {
    assert.throws(() => createGuardedFetch({ timeoutMs: 0, maxBytes: 10 }), TypeError);
    assert.throws(() => createGuardedFetch({ timeoutMs: 10, maxBytes: -1 }), TypeError);
  });
});

describe('createGuardedFetch: talking to a (loopback) TLS server', () => {
  let server: LocalTlsServer;
  let slowResponses: http.ServerResponse[] = [];
  before(async () => {
    server = await startLocalTlsServer([NAME], (request, response) => {
      if (request.url === '/did.json') {
        response.writeHead(200, { 'content-type': 'application/did+json; charset=utf-8' });
        response.end(JSON.stringify({ id: 'did:web:issuer.example' }));
      } else if (request.url === '/announced-big') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '50000' });
        response.end('x'.repeat(50_000));
      } else if (request.url === '/streamed-big') {
        response.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < 20; i++) response.write('x'.repeat(1000));
        response.end();
      } else if (request.url === '/slow') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{');
        slowResponses.push(response); // never finished
      } else if (request.url === '/redirect') {
        response.writeHead(302, { location: 'https://127.0.0.1/did.json' });
        response.end();
      } else {
        response.writeHead(404);
        response.end();
      }
    });
  });
  after(async () => {
    for (const response of slowResponses) response.destroy();
    slowResponses = [];
    await server.close();
  });

  /** The name resolves to the loopback server; only the test override lets the policy allow it. */
  const fetcher = (extra: Partial<GuardedFetchOptions> = {}) => {
    const lookup = fakeLookup({ [NAME]: ['127.0.0.1'], 'wrong-name.example': ['127.0.0.1'] });
    return {
      lookup,
      fetch: createGuardedFetch({
        timeoutMs: 3000,
        maxBytes: 10_000,
        lookup,
        ca: server.cert,
        isAddressAllowed: (address) => address === '127.0.0.1',
        ...extra,
      }),
    };
  };

  test('fetches through the pinned address, keeping the name for SNI, certificate and Host', async () => {
    const { fetch, lookup } = fetcher();
    const response = await fetch(`https://${NAME}:${server.port}/did.json`, 'application/did+json');
    assert.equal(response.status, 200);
    assert.equal(response.contentType, 'application/did+json');
    assert.deepEqual(JSON.parse(response.body.toString('utf8')), { id: 'did:web:issuer.example' });
    const seen = server.requests.at(-1);
    assert.equal(seen?.host, `${NAME}:${server.port}`);
    assert.equal(seen?.servername, NAME);
    // Resolved once, by us; the connection used that answer (the name itself resolves nowhere).
    assert.deepEqual(lookup.calls, [NAME]);
  });

  test('without the test override the same loopback answer is refused', async () => {
    const { fetch } = fetcher({ isAddressAllowed: undefined });
    await expectRefusal(fetch(`https://${NAME}:${server.port}/did.json`, '*/*'), 'address_not_allowed');
  });

  test('a certificate for another name fails (the name, not the address, is checked)', async () => {
    const { fetch } = fetcher();
    const error = await expectRefusal(
      fetch(`https://wrong-name.example:${server.port}/did.json`, '*/*'),
      'connection_failed',
    );
    assert.match(error.message, /wrong-name\.example|altnames|certificate/i);
  });

  test('an untrusted (self-signed) certificate fails without the test CA', async () => {
    const { fetch } = fetcher({ ca: undefined });
    await expectRefusal(fetch(`https://${NAME}:${server.port}/did.json`, '*/*'), 'connection_failed');
  });

  test('an announced body over maxBytes is refused', async () => {
    const { fetch } = fetcher();
    await expectRefusal(fetch(`https://${NAME}:${server.port}/announced-big`, '*/*'), 'response_too_large');
  });

  test('a streamed body over maxBytes is cut off', async () => {
    const { fetch } = fetcher();
    await expectRefusal(fetch(`https://${NAME}:${server.port}/streamed-big`, '*/*'), 'response_too_large');
  });

  test('a body under the limit passes', async () => {
    const { fetch } = fetcher({ maxBytes: 25_000 });
    const response = await fetch(`https://${NAME}:${server.port}/streamed-big`, '*/*');
    assert.equal(response.body.length, 20_000);
  });

  test('a response that trickles past the deadline times out', async () => {
    const { fetch } = fetcher({ timeoutMs: 300 });
    await expectRefusal(fetch(`https://${NAME}:${server.port}/slow`, '*/*'), 'timeout');
  });

  test('redirects are returned, never followed', async () => {
    const { fetch } = fetcher();
    const count = server.requests.length;
    const response = await fetch(`https://${NAME}:${server.port}/redirect`, '*/*');
    assert.equal(response.status, 302);
    assert.equal(server.requests.length, count + 1, 'only the first request was made');
  });

  test('a closed port is connection_failed', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { fetch } = fetcher();
    await expectRefusal(fetch(`https://${NAME}:${port}/did.json`, '*/*'), 'connection_failed');
  });

  test('plain http only with allowInsecureHttp (development)', async () => {
    const plain = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"plain":true}');
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const port = (plain.address() as AddressInfo).port;
    try {
      await expectRefusal(fetcher().fetch(`http://${NAME}:${port}/`, '*/*'), 'scheme_not_allowed');
      const response = await fetcher({ allowInsecureHttp: true }).fetch(`http://${NAME}:${port}/`, '*/*');
      assert.deepEqual(JSON.parse(response.body.toString('utf8')), { plain: true });
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });
});
