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
    await queryRunner.query(`
            ALTER TABLE "risk_check_requests"
            ADD CONSTRAINT "fk_risk_check_requests_cohort" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "risk_check_requests" DROP CONSTRAINT "fk_risk_check_requests_cohort"
        `);
    await queryRunner.query(`
            DROP TABLE "risk_check_requests"
        `);
  }
}
