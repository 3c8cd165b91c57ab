// `node --import <this file>`: TLS connections to the emulated AWS names (EMULATED_VIEWER_NETWORK:
// {port, caFile, suffixes}) go to the viewer network's listener on 127.0.0.1, with its CA, and
// keep their SNI name and certificate check; every other connection is left as it is. The names
// do not resolve in DNS, so this stands in for DNS and the route to CloudFront and App Runner.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const conf = JSON.parse(process.env.EMULATED_VIEWER_NETWORK ?? 'null');
if (conf) {
  const ca = readFileSync(conf.caFile, 'utf8');
  const original = tls.connect;
  const routed = (name) => typeof name === 'string' && conf.suffixes.some((s) => name.endsWith(s));
  tls.connect = function connect(...args) {
    const o = args[0];
    if (args.length === 1 && o && typeof o === 'object' && !o.socket && routed(o.servername || o.host)) {
      return original.call(this, { ...o, host: '127.0.0.1', port: conf.port, servername: o.servername || o.host, ca });
    }
    return original.apply(this, args);
  };
}
