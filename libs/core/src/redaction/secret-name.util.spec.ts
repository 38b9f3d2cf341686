import { isSecretName, normalisedName } from './secret-name.util';

describe('isSecretName', () => {
  it.each([
    ['AccessToken', 'access_token'],
    ['DBPassword', 'db_password'],
    ['accessTOKEN', 'access_token'],
    ['SecretAccessKey', 'secret_access_key'],
    ['X-Api-Key', 'x_api_key'],
    ['APIKey', 'api_key'],
    ['oauth2Token', 'oauth2_token'],
    ['client secret', 'client_secret'],
    ['maxTokens', 'max_tokens'],
  ])('normalises %s to %s', (name, normal) => {
    expect(normalisedName(name)).toBe(normal);
  });

  it.each([
    // PascalCase, acronyms, odd casing
    'AccessToken',
    'SessionToken',
    'SecretAccessKey',
    'ClientSecret',
    'DBPassword',
    'AuthToken',
    'accessTOKEN',
    'PassWord',
    'APIKey',
    // joined lowercase
    'accesstoken',
    'clientsecret',
    'dbpassword',
    'sshpassphrase',
    'apikey',
    'privatekey',
    'awscredentials',
    // the forms caught before
    'password',
    'Password',
    'db_password',
    'db_pass',
    'github_token',
    'accessToken',
    'dbPassword',
    'api_key',
    'X-Api-Key',
    'x-api-key',
    'set-cookie',
    'Authorization',
    'action_token',
    'secret_id',
    'signature',
  ])('hides %s', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'maxTokens',
    'max_tokens',
    'MaxTokens',
    'token_count',
    'tokenCount',
    'token_type',
    'TokenType',
    'tokenizer',
    'bypass',
    'passage',
    'compass',
    'keys',
    'secretary',
    'name',
    'description',
  ])('keeps %s visible', (name) => {
    expect(isSecretName(name)).toBe(false);
  });

  it('decides a name of a megabyte by its ends, at once', () => {
    const middle = 'aB'.repeat(512 * 1024);
    // Flat strings, as JSON.parse makes them (slicing a concatenation would copy it first).
    const names = [
      `${middle}Token`,
      `secret_${middle}`,
      `${middle}Tokens`,
      `x_${middle}_pass`,
      `${middle}pass`,
    ];
    const flat = JSON.parse(JSON.stringify(names)) as string[];
    const started = performance.now();
    const decisions = flat.map((name) => isSecretName(name));
    expect(performance.now() - started).toBeLessThan(250); // normalising them whole takes seconds
    expect(decisions).toEqual([true, true, false, true, false]);
  });

  it('gives the same answer when the decision is remembered', () => {
    for (let i = 0; i < 5000; i += 1) isSecretName(`field${i}`);
    expect([isSecretName('AccessToken'), isSecretName('AccessToken')]).toEqual([true, true]);
    expect([isSecretName('maxTokens'), isSecretName('maxTokens')]).toEqual([false, false]);
  });
});
