// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/nhsuk/nhsuk-frontend.min.js';
import { initCheckIn } from '/assets/app/check-in.js';
import { initCsvFile } from '/assets/app/csv-file.js';
import { initRadiosAria } from '/assets/app/radios-aria.js';
import { initRegister } from '/assets/app/register.js';

initAll();
initRadiosAria(document);
initRegister(document);
initCsvFile(document);
initCheckIn(document);
