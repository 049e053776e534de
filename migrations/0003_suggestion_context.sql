-- The guardrail context each suggestion was judged with, so `closeloop rules replay` can judge it again
-- under the current rules.
ALTER TABLE suggestions ADD COLUMN context jsonb;
