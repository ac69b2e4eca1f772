// A throwaway certificate authority and a server certificate for localhost and 127.0.0.1, made
// by openssl at test time (never committed): what a developer with a self-signed broker has.
// Browsers do not trust it unless told to (Chromium: --ignore-certificate-errors-spki-list with
// `spki` below; Firefox: acceptInsecureCerts).
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OPENSSL = '/usr/bin/openssl';

/**
 * Makes `ca.crt`, `server.key` and `server.crt` (EC P-256, fast to generate) in a new temp dir.
 * Returns their paths, the PEM texts, `spki` (base64 SHA-256 of the server key's
 * SubjectPublicKeyInfo, the value Chromium's --ignore-certificate-errors-spki-list takes) and
 * `remove()`.
 */
export function makeTestCerts() {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-elements-certs-'));
  const path = (name) => join(dir, name);
  const openssl = (args) => execFileSync(OPENSSL, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10000 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    const ca = ['-keyout', path('ca.key'), '-out', path('ca.crt'), '-days', '2', '-subj', '/CN=mqtt-elements test CA'];
    openssl(['req', '-x509', ...ec, ...ca]);
    openssl(['req', ...ec, '-keyout', path('server.key'), '-out', path('server.csr'), '-subj', '/CN=localhost']);
    writeFileSync(
      path('server.ext'),
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' +
        'keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
    );
    openssl([
      'x509', '-req', '-in', path('server.csr'), '-CA', path('ca.crt'), '-CAkey', path('ca.key'), '-CAcreateserial',
      '-days', '2', '-extfile', path('server.ext'), '-out', path('server.crt'),
    ]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`openssl could not make the test certificates: ${err.stderr?.toString() || err.message}`);
  }
  const cert = readFileSync(path('server.crt'), 'utf8');
  const key = readFileSync(path('server.key'), 'utf8');
  const spkiDer = createPublicKey(cert).export({ type: 'spki', format: 'der' });
  return {
    dir,
    caFile: path('ca.crt'),
    certFile: path('server.crt'),
    keyFile: path('server.key'),
    cert,
    key,
    spki: createHash('sha256').update(spkiDer).digest('base64'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
