import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountTokens1796020924619 implements MigrationInterface {
  name = 'AccountTokens1796020924619';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "account_tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "user_id" uuid NOT NULL,
                "purpose" character varying(16) NOT NULL,
                "token_hash" character(64) NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_account_tokens_purpose" CHECK (purpose IN ('invitation', 'password_reset')),
                CONSTRAINT "pk_account_tokens" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_account_tokens_hash" ON "account_tokens" ("token_hash")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_account_tokens_user_purpose" ON "account_tokens" ("user_id", "purpose")
        `);
    await queryRunner.query(`
            ALTER TABLE "users"
            ADD "password_set" boolean NOT NULL DEFAULT true
        `);
    await queryRunner.query(`
            ALTER TABLE "users"
            ADD "disabled_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "account_tokens"
            ADD CONSTRAINT "fk_account_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "account_tokens" DROP CONSTRAINT "fk_account_tokens_user"
        `);
    await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "disabled_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "password_set"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_account_tokens_user_purpose"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_account_tokens_hash"
        `);
    await queryRunner.query(`
            DROP TABLE "account_tokens"
        `);
  }
}
