import { loadAppConfig } from './app.config';
import { ConfigValidationError } from './env.util';

describe('loadAppConfig', () => {
  it('derives the public URL from host and port, or takes a valid one', () => {
    expect(loadAppConfig({}).publicUrl).toBe('http://127.0.0.1:8000');
    expect(loadAppConfig({ PUBLIC_URL: 'https://gw.example.com/' }).publicUrl).toBe('https://gw.example.com');
  });

  it('derives a URL a client can reach from a wildcard or IPv6 HOST', () => {
    expect(loadAppConfig({ HOST: '0.0.0.0' }).publicUrl).toBe('http://localhost:8000');
    expect(loadAppConfig({ HOST: '::', PORT: '9000' }).publicUrl).toBe('http://localhost:9000');
    expect(loadAppConfig({ HOST: '::1' }).publicUrl).toBe('http://[::1]:8000');
    expect(loadAppConfig({ HOST: 'fd00::5' }).publicUrl).toBe('http://[fd00::5]:8000');
    expect(loadAppConfig({ HOST: 'gw.internal' }).publicUrl).toBe('http://gw.internal:8000');
    expect(loadAppConfig({ HOST: '0.0.0.0', TLS_CERT_FILE: '/c', TLS_KEY_FILE: '/k' }).publicUrl).toBe(
      'https://localhost:8000',
    );
  });

  it('needs PUBLIC_URL when PORT=0 (the port is only known once listening)', () => {
    expect(() => loadAppConfig({ PORT: '0' })).toThrow(
      new ConfigValidationError(
        'Invalid configuration: PORT=0 (a port chosen at start) needs PUBLIC_URL, the URL agents reach the ' +
          'gateway at (metadata documents name it)',
      ),
    );
    expect(loadAppConfig({ PORT: '0', PUBLIC_URL: 'https://gw.example.com' }).publicUrl).toBe(
      'https://gw.example.com',
    );
  });

  it('accepts CORS origins only as a browser sends them, naming the variable otherwise', () => {
    expect(
      loadAppConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:3000' }).corsOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:3000']);
    for (const origin of [
      'https://app.example.com/',
      'https://app.example.com/path',
      'https://App.example.com',
      'https://app.example.com:443',
      'app.example.com',
      'ftp://app.example.com',
      '*',
    ])
      expect(() => loadAppConfig({ CORS_ORIGINS: origin })).toThrow(
        /^Invalid configuration: CORS_ORIGINS must list origins such as https:\/\/app\.example\.com/,
      );
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
