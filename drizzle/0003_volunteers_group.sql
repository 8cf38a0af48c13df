CREATE TABLE "telegram_group" (
	"chat_id" text PRIMARY KEY NOT NULL,
	"recent_sends" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"paused_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "telegram_card_message_id" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "telegram_topic_title" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "announced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "case_id" integer;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_telegram_thread" ON "cases" USING btree ("telegram_thread_id") WHERE telegram_thread_id is not null;--> statement-breakpoint
CREATE INDEX "outbox_case" ON "outbox" USING btree ("case_id","id");