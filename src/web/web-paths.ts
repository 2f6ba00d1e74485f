import { dirname, join } from 'node:path';

/** Our templates, and the few static files of our own under views/assets (nest-cli copies views/ to dist). */
export const VIEWS_DIR = join(__dirname, 'views');
export const APP_ASSETS_DIR = join(VIEWS_DIR, 'assets');

/** nhsuk-frontend's build: its macros resolve as "nhsuk/components/...", from this folder. */
export const NHSUK_DIST_DIR = join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist');
export const NHSUK_DIR = join(NHSUK_DIST_DIR, 'nhsuk');
