import { describeStoreContract } from './contract.js';
import { MemoryStore } from './memory.js';

describeStoreContract('memory', async () => ({ store: new MemoryStore() }));
