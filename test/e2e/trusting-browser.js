// A second browser for the TLS cases of the whole-page tests, started with what support.js's
// browsers deliberately lack: trust in one test certificate, and a made-up host name that
// resolves to 127.0.0.1 (to reproduce mixed content, which browsers waive for loopback names).
import { launchBrowser } from '../../scripts/launch-browser.js';

/**
 * Starts `name` (chromium, firefox) trusting the server key whose SPKI hash is `spki` and
 * resolving each of `hosts` to 127.0.0.1. Chromium: --ignore-certificate-errors-spki-list and
 * --host-resolver-rules. Firefox has no per-key trust: it accepts every certificate
 * (acceptInsecureCerts) and maps the names with network.dns.localDomains.
 */
export function launchTrustingBrowser(name, { spki, hosts }) {
  if (name !== 'chromium' && name !== 'firefox') throw new Error(`unknown browser ${name} (use chromium, firefox)`);
  return launchBrowser(name, { trust: { spki, hosts } });
}
