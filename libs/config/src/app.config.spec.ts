import { loadAppConfig } from './app.config';
import { ConfigValidationError } from './env.util';

describe('loadAppConfig', () => {
  it('derives the public URL from host and port, or takes a valid one', () => {
    expect(loadAppConfig({}).publicUrl).toBe('http://127.0.0.1:8000');
    expect(loadAppConfig({ PUBLIC_URL: 'https://gw.example.com/' }).publicUrl).toBe('https://gw.example.com');
  });

  it('refuses a PUBLIC_URL that is not an http(s) URL, naming it', () => {
    for (const value of ['not a url', 'ftp://gw.example.com', 'gw.example.com'])
      expect(() => loadAppConfig({ PUBLIC_URL: value })).toThrow(/PUBLIC_URL/);
  });

  it('refuses half a TLS configuration instead of serving plain HTTP', () => {
    for (const env of [
      { TLS_CERT_FILE: '/etc/tls/cert.pem' },
      { TLS_KEY_FILE: '/etc/tls/key.pem' },
      { TLS_CA_FILE: '/etc/tls/ca.pem' },
    ])
      expect(() => loadAppConfig(env)).toThrow(ConfigValidationError);
    const tls = loadAppConfig({ TLS_CERT_FILE: '/c', TLS_KEY_FILE: '/k' }).tls;
    expect(tls).toMatchObject({ certFile: '/c', keyFile: '/k', requireClientCert: false });
  });
});
