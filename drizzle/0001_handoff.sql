CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"volunteer_id" integer,
	"action" text NOT NULL,
	"case_id" integer,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "canned_replies" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"locale" text NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"id" serial PRIMARY KEY NOT NULL,
	"volunteer_id" integer NOT NULL,
	"kind" text NOT NULL,
	"secret_hash" text NOT NULL,
	"csrf_token" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sign_in_attempts" (
	"client" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "volunteers" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"role" text DEFAULT 'volunteer' NOT NULL,
	"languages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"telegram_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "card" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "deadline_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "claimed_by" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "last_person_message_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "last_volunteer_message_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "telegram_thread_id" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "case_id" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "volunteer_id" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "outbox_id" bigint;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "read_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canned_replies" ADD CONSTRAINT "canned_replies_updated_by_volunteers_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."volunteers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_volunteer_id_volunteers_id_fk" FOREIGN KEY ("volunteer_id") REFERENCES "public"."volunteers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "canned_replies_key" ON "canned_replies" USING btree ("key","locale");--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_secret" ON "credentials" USING btree ("secret_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "sign_in_attempts_key" ON "sign_in_attempts" USING btree ("client","minute");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteers_email" ON "volunteers" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteers_telegram" ON "volunteers" USING btree ("telegram_user_id");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_claimed_by_volunteers_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."volunteers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_person" ON "cases" USING btree ("person_id") WHERE status in ('open', 'claimed');--> statement-breakpoint
CREATE INDEX "messages_case" ON "messages" USING btree ("case_id","id");