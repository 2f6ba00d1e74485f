import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsString, IsUUID, Max, Min } from 'class-validator';
import {
  ANNUAL_RETURN_FORMATS,
  type AnnualReturnFormat,
} from '../../reports/dto/annual-return.query';

/** The annual return page's choice of course and year (a GET form: strings from the query). */
export class AnnualReturnForm {
  @IsUUID('all', { message: 'Choose a course' })
  courseId = '';

  @Type(() => Number)
  @IsInt({ message: 'Enter a year, like 2017' })
  @Min(2000, { message: 'Enter a year from 2000 to 2100' })
  @Max(2100, { message: 'Enter a year from 2000 to 2100' })
  year = new Date().getFullYear();

  @IsIn(ANNUAL_RETURN_FORMATS)
  format: AnnualReturnFormat = 'json';
}

/** The history import form: the CSV's text (pasted or read from a file) and "check only". */
export class HistoryImportForm {
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.replace(/^\uFEFF/, '') : value,
  )
  @IsNotEmpty({ message: 'Choose a CSV file or paste its contents' })
  @IsString({ message: 'Choose a CSV file or paste its contents' })
  csv = '';

  @Transform(({ value }: { value: unknown }) => value === 'yes')
  @IsBoolean()
  dryRun = false;
}
