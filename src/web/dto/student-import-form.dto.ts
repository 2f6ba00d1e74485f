import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsString } from 'class-validator';

/**
 * The CSV import form: the file's text arrives in a textarea (pasted, or read from the file
 * input by assets/app/csv-file.js); "check only" is a checkbox, so it is absent when unticked.
 */
export class StudentImportForm {
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
