// Compares two secrets (tokens, codes, signatures) in time that does not depend on where they
// differ, so an attacker cannot guess them byte by byte from response times.
import { timingSafeEqual } from 'node:crypto';

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
