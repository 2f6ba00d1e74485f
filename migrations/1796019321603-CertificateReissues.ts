import { MigrationInterface, QueryRunner } from 'typeorm';

export class CertificateReissues1796019321603 implements MigrationInterface {
  name = 'CertificateReissues1796019321603';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "certificate_reissues" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "certificate_id" uuid NOT NULL,
                "enrolment_id" uuid NOT NULL,
                "reason" character varying(1000) NOT NULL,
                "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "done_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_certificate_reissues" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_certificate_reissues_pending" ON "certificate_reissues" ("certificate_id")
            WHERE done_at IS NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "certificate_reissues"
            ADD CONSTRAINT "fk_certificate_reissues_certificate" FOREIGN KEY ("certificate_id") REFERENCES "certificates"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "certificate_reissues" DROP CONSTRAINT "fk_certificate_reissues_certificate"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_certificate_reissues_pending"
        `);
    await queryRunner.query(`
            DROP TABLE "certificate_reissues"
        `);
  }
}
