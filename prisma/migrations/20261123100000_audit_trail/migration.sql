-- Audit trail (issue 6): case_event becomes the append-only, hash-chained audit record.

-- AlterTable: chain columns. Existing rows get their per-case position from their order;
-- their hash stays NULL until the application seals them (activities/audit-chain.ts).
ALTER TABLE "case_event" ADD COLUMN     "after" JSONB,
ADD COLUMN     "before" JSONB,
ADD COLUMN     "hash" TEXT,
ADD COLUMN     "prev_hash" TEXT,
ADD COLUMN     "seq" INTEGER;

UPDATE "case_event" e SET "seq" = n.rn
FROM (SELECT "id", row_number() OVER (PARTITION BY "case_id" ORDER BY "at", "id") AS rn FROM "case_event") n
WHERE e."id" = n."id";

ALTER TABLE "case_event" ALTER COLUMN "seq" SET NOT NULL;

-- Every row written from now on carries its hash (existing rows are exempt until sealed).
ALTER TABLE "case_event" ADD CONSTRAINT "case_event_hash_present" CHECK ("hash" IS NOT NULL) NOT VALID;

-- CreateTable
CREATE TABLE "history_archive" (
    "id" UUID NOT NULL,
    "case_id" UUID,
    "workflow_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "event_count" INTEGER NOT NULL,
    "history" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "history_archive_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "history_archive_case_id_idx" ON "history_archive"("case_id");

-- CreateIndex
CREATE UNIQUE INDEX "history_archive_workflow_id_run_id_event_count_key" ON "history_archive"("workflow_id", "run_id", "event_count");

-- CreateIndex
CREATE UNIQUE INDEX "case_event_case_id_seq_key" ON "case_event"("case_id", "seq");

-- AddForeignKey
ALTER TABLE "history_archive" ADD CONSTRAINT "history_archive_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "complaint_case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Append-only at the database level: UPDATE, DELETE and TRUNCATE of case_event raise.
-- The one UPDATE allowed is sealing a row written before the chain existed: hash goes
-- from NULL to a value (and prev_hash with it) while every other column stays the same.
CREATE FUNCTION "case_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD."hash" IS NULL AND NEW."hash" IS NOT NULL
     AND (NEW."id", NEW."case_id", NEW."event_key", NEW."kind", NEW."actor", NEW."data", NEW."at", NEW."seq", NEW."before", NEW."after")
         IS NOT DISTINCT FROM
         (OLD."id", OLD."case_id", OLD."event_key", OLD."kind", OLD."actor", OLD."data", OLD."at", OLD."seq", OLD."before", OLD."after") THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'case_event is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'Audit records are never changed; record a new event instead.';
END
$$;

CREATE TRIGGER "case_event_no_update_delete" BEFORE UPDATE OR DELETE ON "case_event"
  FOR EACH ROW EXECUTE FUNCTION "case_event_append_only"();

CREATE TRIGGER "case_event_no_truncate" BEFORE TRUNCATE ON "case_event"
  FOR EACH STATEMENT EXECUTE FUNCTION "case_event_append_only"();

-- Archived histories are evidence too: never changed or removed.
CREATE FUNCTION "history_archive_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'history_archive is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "history_archive_no_update_delete" BEFORE UPDATE OR DELETE ON "history_archive"
  FOR EACH ROW EXECUTE FUNCTION "history_archive_append_only"();
