-- One live suggestion per situation: tenant × record (deal / company) × kind. `situation_key` is
-- `<type>:<record kind>:<record id>`; `live` marks the one open suggestion of a situation (allowed, in review or
-- written); later signals update it (evidence appended) instead of adding tasks. It stops being live when
-- closeloop withdraws it (closed_reason: the one line the rep reads), the rep completes or deletes its task, or a
-- reviewer dismisses it. A situation that comes back later opens a new suggestion (a new generation).
ALTER TABLE suggestions ADD COLUMN situation_key text;
ALTER TABLE suggestions ADD COLUMN live boolean NOT NULL DEFAULT false;
ALTER TABLE suggestions ADD COLUMN closed_reason text;
ALTER TABLE suggestions ADD COLUMN closed_at timestamptz;
UPDATE suggestions SET situation_key = type || ':' || CASE WHEN deal_id IS NOT NULL THEN 'deal:' || deal_id ELSE 'company:' || coalesce(payload ->> 'companyId', id) END;
CREATE UNIQUE INDEX suggestions_live_situation ON suggestions (tenant_id, situation_key) WHERE live;
CREATE INDEX suggestions_situation ON suggestions (tenant_id, situation_key);
CREATE INDEX suggestions_review ON suggestions (tenant_id, created_at) WHERE status = 'review';
