/**
 * SQL twins of the percentage functions in completion/completion-rules.ts, for reads that are
 * streamed or aggregated inside PostgreSQL (exports, the annual summary) and so never pass
 * through the TypeScript functions.
 *
 * They reproduce the TypeScript arithmetic bit for bit: the ratio is computed in float8 (IEEE
 * doubles, like JavaScript numbers) and rounded like `round1()`, Math.round(x * 10) / 10, which
 * is floor(x * 10 + 0.5) / 10. PostgreSQL's round(float8) breaks ties to even and round(numeric)
 * works in exact decimals; either would disagree with the API on some values, so neither is used.
 * test/reports.e2e-spec.ts compares them with the TypeScript functions over a grid of values.
 *
 * Arguments are SQL expressions (column names), never user input.
 */

/** `round1()` of a float8 expression; NULL stays NULL. */
export function sqlRound1(x: string): string {
  return `(floor((${x}) * 10 + 0.5) / 10)`;
}

/** attended / (eligible - excused) * 100, unrounded float8; NULL when the denominator is not positive. */
export function sqlAttendanceRatio(attended: string, eligible: string, excused: string): string {
  return `(CASE WHEN (${eligible}) - (${excused}) > 0
     THEN (100 * (${attended})::float8) / ((${eligible}) - (${excused})) END)`;
}

/** attendancePercent(): one decimal. */
export function sqlAttendancePercent(attended: string, eligible: string, excused: string): string {
  return sqlRound1(sqlAttendanceRatio(attended, eligible, excused));
}

/** commitmentPercent(): (attended + excused) / eligible * 100, one decimal; NULL when nothing is eligible. */
export function sqlCommitmentPercent(attended: string, eligible: string, excused: string): string {
  return sqlRound1(`(CASE WHEN (${eligible}) > 0
     THEN (100 * ((${attended}) + (${excused}))::float8) / (${eligible}) END)`);
}

/** Minutes as hours with one decimal, like round1(minutes / 60). */
export function sqlHours(minutes: string): string {
  return sqlRound1(`(${minutes})::float8 / 60`);
}
