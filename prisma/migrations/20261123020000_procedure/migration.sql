-- The whole procedure (issue #3): a clock may run more than once (a rejected CAPA plan
-- gets a new round) and once per countermeasure, so a clock row is keyed by its id
-- ("capa_plan#2", "countermeasure:P1"); it records its owner and its extensions.
ALTER TABLE "case_clock" ADD COLUMN "clock_id" TEXT;
UPDATE "case_clock" SET "clock_id" = "clock" WHERE "clock_id" IS NULL;
ALTER TABLE "case_clock" ALTER COLUMN "clock_id" SET NOT NULL;
ALTER TABLE "case_clock" ADD COLUMN "round" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "case_clock" ADD COLUMN "owner_role" TEXT NOT NULL DEFAULT 'sales';
ALTER TABLE "case_clock" ADD COLUMN "owner_department_id" TEXT;
ALTER TABLE "case_clock" ADD COLUMN "extensions" JSONB NOT NULL DEFAULT '[]';
DROP INDEX "case_clock_case_id_clock_key";
CREATE UNIQUE INDEX "case_clock_case_id_clock_id_key" ON "case_clock"("case_id", "clock_id");
CREATE INDEX "case_clock_owner_role_owner_department_id_idx" ON "case_clock"("owner_role", "owner_department_id");

-- How a case ended: resolved, answered on site, or a recorded decision not to investigate.
ALTER TABLE "complaint_case" ADD COLUMN "resolution" TEXT;
ALTER TABLE "complaint_case" ADD COLUMN "duplicate_of" TEXT;
CREATE INDEX "complaint_case_closed_at_idx" ON "complaint_case"("closed_at");
