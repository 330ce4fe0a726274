// The slice of the quiz site's public API that a player touches, checked on arrival: a round that
// does not parse cannot be answered, and counts as a failed request rather than crashing the run.
import { z } from 'zod';

export const roundSchema = z.object({
  id: z.string().min(1),
  description: z.string(),
  images: z
    .array(z.object({ id: z.string().min(1), url: z.string() }))
    .min(1)
    .readonly(),
});
export type Round = z.infer<typeof roundSchema>;

export const answerResultSchema = z.object({
  correct: z.boolean(),
  score: z.number(),
  correctImageId: z.string(),
});
export type AnswerResult = z.infer<typeof answerResultSchema>;

/** Parses a JSON body against `schema`, or returns undefined for anything else. */
export function parseBody<S extends z.ZodType>(text: string, schema: S): z.infer<S> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = schema.safeParse(json);
  return result.success ? result.data : undefined;
}

/** The header the site reads the player from; percent-encoded since header values are bytes. */
export function playerHeader(player: string): Record<string, string> {
  return { 'x-quiz-player': encodeURIComponent(player) };
}
