import { dynaliteStore, startDynalite } from '../test-support/dynalite.js';
import { describeOnlineApi } from '../test-support/online-suite.js';

describeOnlineApi('dynamodb', async () => {
  const dynalite = await startDynalite();
  const { store } = await dynaliteStore(dynalite.endpoint);
  // The app closes the store; then dynalite can stop.
  return { store, close: dynalite.close };
});
