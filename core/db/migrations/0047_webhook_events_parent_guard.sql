-- webhook_events.brand_id and channel_id carry no foreign keys (the webhook's insert is the hottest
-- statement: a foreign key is a look-up and a FOR KEY SHARE lock of the parent row for every stored
-- event; docs/decisions/015). What the keys refused is refused here instead, on the rare side: a brand
-- or LINE channel cannot be deleted, nor its id changed, while webhook events name it (23503, as the
-- foreign keys answered). Inserts are kept right by the inbox, which writes only the ids it read from
-- the channel's own row.
CREATE OR REPLACE FUNCTION proofline_keep_webhook_event_parents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
    RETURN NEW;
  END IF;
  IF (TG_TABLE_NAME = 'line_channels' AND EXISTS (SELECT 1 FROM webhook_events WHERE channel_id = OLD.id))
    OR (TG_TABLE_NAME = 'brands' AND EXISTS (SELECT 1 FROM webhook_events WHERE brand_id = OLD.id)) THEN
    RAISE EXCEPTION 'webhook events still name % row %', TG_TABLE_NAME, OLD.id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    RETURN NEW;
  END IF;
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER line_channels_keep_webhook_events BEFORE DELETE OR UPDATE OF id ON line_channels
  FOR EACH ROW EXECUTE FUNCTION proofline_keep_webhook_event_parents();
--> statement-breakpoint
CREATE TRIGGER brands_keep_webhook_events BEFORE DELETE OR UPDATE OF id ON brands
  FOR EACH ROW EXECUTE FUNCTION proofline_keep_webhook_event_parents();
