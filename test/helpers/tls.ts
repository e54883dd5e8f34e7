import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Writes `key.pem` and `cert.pem` (a self-signed P-256 certificate valid for a day) into `dir`, made by
 * the machine's openssl so tests need no checked-in keys. `altNames` are subjectAltName entries such as
 * `DNS:localhost` or `IP:127.0.0.1`.
 */
export function writeSelfSignedCertificate(
  dir: string,
  options: { commonName: string; altNames: string[] },
): { keyPath: string; certPath: string } {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      `/CN=${options.commonName}`,
      '-addext',
      `subjectAltName=${options.altNames.join(',')}`,
    ],
    { stdio: 'ignore' },
  );
  return { keyPath, certPath };
}
