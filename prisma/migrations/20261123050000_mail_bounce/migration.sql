-- Permanent SMTP rejections (5xx on RCPT TO), recorded against the person whose address it
-- is (NULL for addresses that are not a person's, e.g. a customer's), once per message and address.
-- CreateTable
CREATE TABLE "mail_bounce" (
    "id" UUID NOT NULL,
    "person_id" TEXT,
    "address" TEXT NOT NULL,
    "message_key" TEXT NOT NULL,
    "code" INTEGER NOT NULL,
    "response" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mail_bounce_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mail_bounce_person_id_at_idx" ON "mail_bounce"("person_id", "at");

-- CreateIndex
CREATE INDEX "mail_bounce_at_idx" ON "mail_bounce"("at");

-- CreateIndex
CREATE UNIQUE INDEX "mail_bounce_message_key_address_key" ON "mail_bounce"("message_key", "address");

-- AddForeignKey
ALTER TABLE "mail_bounce" ADD CONSTRAINT "mail_bounce_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;
