import { MemoryStore } from '../storage/memory.js';
import { describeOnlineApi } from '../test-support/online-suite.js';

describeOnlineApi('memory', async () => ({ store: new MemoryStore() }));
