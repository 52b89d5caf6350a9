DROP INDEX "audit_events_subject_idx";--> statement-breakpoint
CREATE INDEX "audit_events_subject_seq_idx" ON "audit_events" USING btree ("institution_id","subject","seq");