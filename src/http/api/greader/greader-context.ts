// What every authenticated Google Reader endpoint receives.
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../../app-env.ts';
import type { User } from '../../../storage/schema.ts';

export interface GreaderRequest {
  c: Context<AppEnv>;
  deps: AppDeps;
  user: User;
  params: URLSearchParams;
}

export const STATE_PREFIX = 'user/-/state/com.google/';
export const LABEL_PREFIX = 'user/-/label/';
export const READING_LIST = `${STATE_PREFIX}reading-list`;

export function badRequest(c: Context<AppEnv>, message: string): Response {
  return c.text(`greader: ${message}`, 400);
}
