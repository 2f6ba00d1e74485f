import 'reflect-metadata';
import { startWorker } from './bootstrap';
import { runEntryPoint } from './entry-point';

/** Worker entry point: runs the BullMQ processors and job schedulers, no HTTP. */
void runEntryPoint(startWorker);
