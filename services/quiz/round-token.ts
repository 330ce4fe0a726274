// A round lives in its id: the answer and the four images, sealed with AES-256-GCM under a secret
// every quiz replica shares. Any version or replica can check an answer to a round another one
// built, nothing is kept between requests, and the browser cannot read the answer out of the id.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';

const sealedRound = z.object({
  /** Identifies the round to scores, which records each round's answer once. */
  nonce: z.string(),
  answer: z.string(),
  images: z.array(z.string()).length(4),
  expiresAt: z.number(),
});
export type SealedRound = z.infer<typeof sealedRound>;

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface RoundTokens {
  seal(round: Omit<SealedRound, 'nonce'>): { id: string; nonce: string };
  /** The round inside a token, or undefined when it was not made with our secret. */
  open(id: string): SealedRound | undefined;
}

export function createRoundTokens(secret: string): RoundTokens {
  const key = Buffer.from(hkdfSync('sha256', secret, '', 'quizmesh round token v1', 32));
  return {
    seal(round) {
      const nonce = randomBytes(12).toString('base64url');
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([
        cipher.update(JSON.stringify({ ...round, nonce }), 'utf8'),
        cipher.final(),
      ]);
      return { id: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url'), nonce };
    },
    open(id) {
      const raw = Buffer.from(id, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        const text = Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
        const parsed = sealedRound.safeParse(JSON.parse(text));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined; // tampered, truncated, or sealed with another secret
      }
    },
  };
}
