// One of the e2e batches: see batches.ts.
import { runBatch } from './batches';

runBatch(__filename);
