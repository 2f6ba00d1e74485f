import 'reflect-metadata';
import { startApi } from './bootstrap';
import { runEntryPoint } from './entry-point';

/** HTTP API entry point (production: `npm run start:api`, after `npm run migration:run`). */
void runEntryPoint(startApi);
