/** Connection options for a Temporal server: the embedded dev server, a cluster, or Temporal Cloud. */
import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { Config } from './config';

export function temporalConnectionOptions(config: Config): { address: string; tls?: TLSConfig | boolean; apiKey?: string } {
  const t = config.temporal;
  const read = (file?: string) => (file ? fs.readFileSync(file) : undefined);
  const tls =
    typeof t.tls === 'object'
      ? {
          serverNameOverride: t.tls.serverName,
          serverRootCACertificate: read(t.tls.ca),
          clientCertPair: t.tls.cert && t.tls.key ? { crt: read(t.tls.cert)!, key: read(t.tls.key)! } : undefined,
        }
      : t.tls;
  return { address: t.address, tls, apiKey: t.apiKey };
}
