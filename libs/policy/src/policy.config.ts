import { isAbsolute, resolve } from 'node:path';

import { registerAs } from '@nestjs/config';
import { IsString, MaxLength } from 'class-validator';

import { validateEnv } from '@toolgate/config';

export class PolicyEnv {
  @IsString()
  @MaxLength(4096)
  POLICY_FILE = 'policies/policies.yml';
}

export interface PolicyConfig {
  /** Absolute path of the policy file (relative values are resolved against the working directory). */
  file: string;
}

export function loadPolicyConfig(env: NodeJS.ProcessEnv = process.env): PolicyConfig {
  const { POLICY_FILE } = validateEnv(PolicyEnv, env);
  return { file: isAbsolute(POLICY_FILE) ? POLICY_FILE : resolve(process.cwd(), POLICY_FILE) };
}

/** The directory a CLI was invoked from (`npm run` switches to the package root and keeps it in INIT_CWD). */
export function invocationDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.INIT_CWD ?? process.cwd();
}

export const policyConfig = registerAs('policy', (): PolicyConfig => loadPolicyConfig());
