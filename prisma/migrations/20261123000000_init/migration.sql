-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "department" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "department_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "person" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'zh-CN',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "department_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deadline_policy" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deadline_policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_counter" (
    "year" INTEGER NOT NULL,
    "last" INTEGER NOT NULL,

    CONSTRAINT "case_counter_pkey" PRIMARY KEY ("year")
);

-- CreateTable
CREATE TABLE "complaint_case" (
    "id" UUID NOT NULL,
    "case_no" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "idempotency_key" TEXT,
    "workflow_id" TEXT NOT NULL,
    "workflow_started" BOOLEAN NOT NULL DEFAULT false,
    "customer_name" TEXT NOT NULL,
    "customer_contact" TEXT,
    "customer_email" TEXT,
    "product" TEXT NOT NULL,
    "lot" TEXT,
    "quantity" INTEGER,
    "channel" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "sample_expected" BOOLEAN NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "sales_rep_id" TEXT NOT NULL,
    "policy_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "complaint_case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_clock" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "clock" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "original_due" TIMESTAMPTZ(3) NOT NULL,
    "stopped_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "late_reason" TEXT,
    "escalation" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "case_clock_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_event" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "event_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_document" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "issue_key" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "data_hash" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_document_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mail_message" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "case_id" UUID,
    "kind" TEXT NOT NULL,
    "to" TEXT[],
    "subject" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "transport" TEXT NOT NULL,
    "message_id" TEXT,
    "response" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "mail_message_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "department_code_key" ON "department"("code");

-- CreateIndex
CREATE UNIQUE INDEX "person_email_key" ON "person"("email");

-- CreateIndex
CREATE INDEX "person_role_idx" ON "person"("role");

-- CreateIndex
CREATE UNIQUE INDEX "deadline_policy_name_version_key" ON "deadline_policy"("name", "version");

-- CreateIndex
CREATE UNIQUE INDEX "complaint_case_case_no_key" ON "complaint_case"("case_no");

-- CreateIndex
CREATE UNIQUE INDEX "complaint_case_idempotency_key_key" ON "complaint_case"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "complaint_case_workflow_id_key" ON "complaint_case"("workflow_id");

-- CreateIndex
CREATE INDEX "complaint_case_status_step_idx" ON "complaint_case"("status", "step");

-- CreateIndex
CREATE UNIQUE INDEX "complaint_case_year_seq_key" ON "complaint_case"("year", "seq");

-- CreateIndex
CREATE INDEX "case_clock_outcome_due_at_idx" ON "case_clock"("outcome", "due_at");

-- CreateIndex
CREATE UNIQUE INDEX "case_clock_case_id_clock_key" ON "case_clock"("case_id", "clock");

-- CreateIndex
CREATE UNIQUE INDEX "case_event_event_key_key" ON "case_event"("event_key");

-- CreateIndex
CREATE INDEX "case_event_case_id_at_idx" ON "case_event"("case_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "case_document_issue_key_key" ON "case_document"("issue_key");

-- CreateIndex
CREATE UNIQUE INDEX "case_document_case_id_kind_version_key" ON "case_document"("case_id", "kind", "version");

-- CreateIndex
CREATE UNIQUE INDEX "mail_message_idempotency_key_key" ON "mail_message"("idempotency_key");

-- CreateIndex
CREATE INDEX "mail_message_case_id_idx" ON "mail_message"("case_id");

-- AddForeignKey
ALTER TABLE "person" ADD CONSTRAINT "person_department_id_fkey" FOREIGN KEY ("department_id") REFERENCES "department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "complaint_case" ADD CONSTRAINT "complaint_case_sales_rep_id_fkey" FOREIGN KEY ("sales_rep_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "complaint_case" ADD CONSTRAINT "complaint_case_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "deadline_policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_clock" ADD CONSTRAINT "case_clock_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "complaint_case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_event" ADD CONSTRAINT "case_event_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "complaint_case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_document" ADD CONSTRAINT "case_document_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "complaint_case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mail_message" ADD CONSTRAINT "mail_message_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "complaint_case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

