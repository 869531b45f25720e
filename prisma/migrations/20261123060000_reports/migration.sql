-- Period reports (register, monthly quality review) and the monthly statistics.
CREATE TABLE "period_report" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "issue_key" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "data_hash" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "period_report_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "period_report_issue_key_key" ON "period_report"("issue_key");
CREATE UNIQUE INDEX "period_report_kind_period_version_key" ON "period_report"("kind", "period", "version");

CREATE TABLE "monthly_review" (
    "month" TEXT NOT NULL,
    "stats" JSONB NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "monthly_review_pkey" PRIMARY KEY ("month")
);
