import { MigrationInterface, QueryRunner } from 'typeorm';

export class RiskCheckRequests1796030215809 implements MigrationInterface {
  name = 'RiskCheckRequests1796030215809';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "risk_check_requests" (
                "cohort_id" uuid NOT NULL,
                "requested_version" integer NOT NULL DEFAULT '1',
                "checked_version" integer NOT NULL DEFAULT '0',
                "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_risk_check_requests" PRIMARY KEY ("cohort_id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "risk_check_requests"
        `);
  }
}
