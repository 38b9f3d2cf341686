import { IsBoolean, IsInt, IsString, Max, Min } from 'class-validator';

import { ConfigValidationError, EnvBoolean, EnvInt, validateEnv } from './env.util';

class SampleEnv {
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10)
  LIMIT = 5;

  @EnvBoolean()
  @IsBoolean()
  ENABLED = false;

  @IsString()
  API_SECRET = 'default';
}

describe('validateEnv', () => {
  it('applies defaults and converts types', () => {
    expect(validateEnv(SampleEnv, { LIMIT: '7', ENABLED: 'true' })).toMatchObject({
      LIMIT: 7,
      ENABLED: true,
    });
    expect(validateEnv(SampleEnv, { LIMIT: '' })).toMatchObject({ LIMIT: 5, ENABLED: false });
  });

  it('names the variable and the raw value in one line', () => {
    expect(() => validateEnv(SampleEnv, { LIMIT: 'ten' })).toThrow(
      new ConfigValidationError('Invalid configuration: LIMIT must be an integer number (got "ten")'),
    );
    expect(() => validateEnv(SampleEnv, { LIMIT: '11' })).toThrow(
      /LIMIT must not be greater than 10 \(got "11"\)/,
    );
    expect(() => validateEnv(SampleEnv, { ENABLED: 'maybe' })).toThrow(/ENABLED must be a boolean value/);
  });

  it('never echoes the value of a secret-looking variable', () => {
    class SecretEnv {
      @EnvInt()
      @IsInt()
      API_TOKEN_TTL = 1;
    }
    expect(() => validateEnv(SecretEnv, { API_TOKEN_TTL: 'sk-live-123' })).toThrow(/^((?!sk-live-123).)*$/);
  });
});
