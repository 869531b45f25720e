-- The "second satisfaction" survey after closure (issue #8).
CREATE TABLE "satisfaction_survey" (
    "id" UUID NOT NULL,
    "case_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answered_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "speed" INTEGER,
    "communication" INTEGER,
    "comment" TEXT,
    "follow_up_by" TEXT,
    "follow_up_at" TIMESTAMPTZ(3),
    "follow_up_action" TEXT,
    CONSTRAINT "satisfaction_survey_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "satisfaction_survey_case_id_key" ON "satisfaction_survey"("case_id");
CREATE UNIQUE INDEX "satisfaction_survey_token_hash_key" ON "satisfaction_survey"("token_hash");
CREATE INDEX "satisfaction_survey_outcome_idx" ON "satisfaction_survey"("outcome");
ALTER TABLE "satisfaction_survey" ADD CONSTRAINT "satisfaction_survey_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "complaint_case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
