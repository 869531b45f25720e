-- Attachments (photos, customer documents) and the account/administration audit chain (issue 7).

-- CreateTable
CREATE TABLE "case_attachment" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "file_name" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "note" TEXT,
    "uploaded_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_attachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "security_event" (
    "id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "actor" TEXT,
    "subject" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "ip" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "prev_hash" TEXT,
    "hash" TEXT NOT NULL,

    CONSTRAINT "security_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "case_attachment_case_id_created_at_idx" ON "case_attachment"("case_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "security_event_seq_key" ON "security_event"("seq");

-- CreateIndex
CREATE INDEX "security_event_at_idx" ON "security_event"("at");

-- CreateIndex
CREATE INDEX "security_event_subject_at_idx" ON "security_event"("subject", "at");

-- AddForeignKey
ALTER TABLE "case_attachment" ADD CONSTRAINT "case_attachment_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "complaint_case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Evidence: attachments and security events are never changed or removed.
CREATE FUNCTION "append_only_row"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "case_attachment_no_update_delete" BEFORE UPDATE OR DELETE ON "case_attachment"
  FOR EACH ROW EXECUTE FUNCTION "append_only_row"();
CREATE TRIGGER "case_attachment_no_truncate" BEFORE TRUNCATE ON "case_attachment"
  FOR EACH STATEMENT EXECUTE FUNCTION "append_only_row"();
CREATE TRIGGER "security_event_no_update_delete" BEFORE UPDATE OR DELETE ON "security_event"
  FOR EACH ROW EXECUTE FUNCTION "append_only_row"();
CREATE TRIGGER "security_event_no_truncate" BEFORE TRUNCATE ON "security_event"
  FOR EACH STATEMENT EXECUTE FUNCTION "append_only_row"();
