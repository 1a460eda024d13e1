ALTER TABLE "outbound_messages" ADD COLUMN "awaits_decision" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Answers stored before the flag: the old rule (still waiting, or decided after the answer) picks them.
UPDATE "outbound_messages" o SET "awaits_decision" = true
FROM "submissions" s
WHERE o.brand_id = s.brand_id AND o.dedupe_key = 'event:' || substr(s.source_ref, 6)
  AND s.channel = 'chat' AND s.source_ref LIKE 'line:%'
  AND (s.decided_at IS NULL OR s.decided_at > o.created_at);
